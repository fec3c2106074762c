import { afterEach } from 'vitest';
import { killLeftoverDaemons, removeTempDirs } from './follow-daemon.js';
import { type OtlpReceiver, type OtlpReceiverOptions, startOtlpReceiver } from './otlp-receiver.js';

/**
 * For an e2e test file, at its top level: after each test, SIGKILL the
 * daemons it left running, close every receiver it started through the
 * returned function, and remove the directories it made with `tempDir`.
 */
export function cleanUpAfterEach(): (options?: OtlpReceiverOptions) => Promise<OtlpReceiver> {
  const receivers: OtlpReceiver[] = [];
  afterEach(async () => {
    await killLeftoverDaemons();
    await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
    removeTempDirs();
  });
  return async (options) => {
    const receiver = await startOtlpReceiver(options);
    receivers.push(receiver);
    return receiver;
  };
}
