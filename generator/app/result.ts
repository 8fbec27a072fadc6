import type { Report } from '../report/types.js';

/**
 * How a service's run ended, when it ended normally. Anything else (git, the network, a missing tool, an unwritable
 * folder, a bug) is thrown as a MeshforgeError whose kind says the same thing.
 */
export type ServiceStatus = 'ok' | 'findings' | 'invalid-input';

/** What every service returns; each service adds its own structured fields. */
export interface ServiceResult {
  readonly status: ServiceStatus;
  /** The findings, positions resolved, for the chosen format. Absent for services that produce none. */
  readonly report?: Report;
  /**
   * What the run did, for a person: printed after the report, on stdout beside a stylish report and on stderr beside
   * a machine format, so stdout stays one document.
   */
  readonly statusText: string;
}
