import { afterAll } from 'vitest';
import { removeTrackedTemps } from './temp-registry.js';

// Every test file: the temp folders its helpers made are removed once its tests are done.
afterAll(() => removeTrackedTemps());
