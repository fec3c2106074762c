// Regenerates config.example.yaml from src/config/config-fields.ts (run after `npm run build`).
import { writeFileSync } from 'node:fs';
import { renderExampleConfig } from '../dist/config/example-config.js';

writeFileSync(new URL('../config.example.yaml', import.meta.url), renderExampleConfig());
