/** Names meshforge writes into generated objects and trees, shared by the stages that write and read them. */

/** An annotation that suppresses named policy rules on one resource (docs/policies.md, "Suppressing"). */
export const SUPPRESS_ANNOTATION = 'meshforge.io/suppress';
/** Why the suppression is accepted: required beside SUPPRESS_ANNOTATION. */
export const SUPPRESS_REASON_ANNOTATION = 'meshforge.io/suppress-reason';
/** The provenance index at the root of a generated tree: which config entry each file and resource came from. */
export const PROVENANCE_FILE = 'meshforge-provenance.json';
