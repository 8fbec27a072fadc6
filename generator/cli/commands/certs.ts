import { Option, type Command } from 'commander';
import type { CertsInvalidConfig } from '../../app/certs.js';
import type { ServiceResult } from '../../app/result.js';
import { DEFAULT_CONFIG_FILE } from '../../core/cli-vocabulary.js';
import { SECRETS_DIR } from '../../core/cli-vocabulary.js';
import type { CommandContext } from '../context.js';
import { usageError } from '../../core/errors.js';
import { appContext, formatOption, printResult } from '../output.js';

interface CommonOptions {
  config: string;
  pki?: string;
}

function commonOptions(command: Command): Command {
  return command.option('-c, --config <file>', 'the mesh config', DEFAULT_CONFIG_FILE).option('--pki <dir>', 'the PKI folder (default: mesh.ca.pkiDir next to the config, .meshforge/pki)');
}

function common(options: CommonOptions): { configFile: string; pkiDir?: string } {
  return { configFile: options.config, ...(options.pki !== undefined ? { pkiDir: options.pki } : {}) };
}

/** Prints a certs result; an invalid config ends with its reason on stderr and exit 2, after its report. */
function print(ctx: CommandContext, format: string, result: ServiceResult | CertsInvalidConfig): void {
  ctx.exitCode = printResult(ctx.io, format, result);
  if ('configProblem' in result) throw usageError(result.configProblem.message, result.configProblem.hint);
}

/** A whole number flag (`--days`, `--warning-days`), or undefined when absent. */
function wholeNumber(flag: string, value: string | undefined, min: number, expected: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw usageError(`${flag} must be ${expected}, got '${value}'`);
  return n;
}

export function registerCerts(program: Command, ctx: CommandContext): void {
  const certs = program
    .command('certs')
    .description("build and check the PKI: Istio's plugin CA (one root, an intermediate per cluster) and ingress certificates")
    .addHelpText('after', '\nPrivate keys stay in the PKI folder (git-ignored .meshforge/pki by default), never in the generated tree. See docs/pki.md.');

  commonOptions(certs.command('init'))
    .description("create the root CA, every cluster's intermediate, the ingress CA and the ingress server certificates; keeps what exists")
    .addHelpText('after', '\nLayout: DIR/root-cert.pem, DIR/root-key.pem, DIR/<cluster>/{ca-cert,ca-key,root-cert,cert-chain}.pem,\nDIR/ingress/{ca.crt,ca.key}, DIR/ingress/<credentialName>/{tls.crt,tls.key,ca.crt}.\nExit codes: 0 done, 2 invalid config or a refused key path, 3 the folder cannot be written.')
    .action(async (options: CommonOptions) => {
      print(ctx, 'stylish', await (await import('../../app/certs.js')).runCertsInit(common(options), appContext(ctx.io)));
    });

  commonOptions(certs.command('client').argument('<name>', 'client name, used as CN and folder name (e.g. client.example.com)'))
    .description('issue a client certificate for MUTUAL ingress gateways, signed by the ingress CA')
    .option('--days <n>', 'validity in days (default: mesh.ca.ingress.days)')
    .addHelpText('after', '\nWrites DIR/ingress/clients/<name>/{tls.crt,tls.key,ca.crt}: curl --cert tls.crt --key tls.key --cacert ca.crt ...\nAn existing client is kept. Exit codes: 0 done, 2 bad name or no ingress CA, 3 unwritable folder.')
    .action(async (name: string, options: CommonOptions & { days?: string }) => {
      const days = wholeNumber('--days', options.days, 1, 'a positive whole number');
      print(ctx, 'stylish', await (await import('../../app/certs.js')).runCertsClient({ ...common(options), name, ...(days !== undefined ? { days } : {}) }, appContext(ctx.io)));
    });

  commonOptions(certs.command('secrets'))
    .description('print (or write into the PKI folder) the Secret manifests and kubectl commands that deliver the keys to each cluster')
    .option('--cluster <name>', 'only this cluster')
    .option('--out [dir]', `write DIR/<cluster>/{secrets.yaml,create-secrets.sh} instead of printing (default DIR: <pki>/${SECRETS_DIR})`)
    .option('--commands', 'print only the kubectl commands, as a shell script')
    .addHelpText('after', '\nThe output holds private keys: pipe it to kubectl, never into git. Writing is refused inside the generated tree\nor a git-visible folder. Exit codes: 0 done, 2 missing certificates or a refused path, 3 unwritable folder.')
    .action(async (options: CommonOptions & { cluster?: string; out?: string | boolean; commands?: boolean }) => {
      const out = options.out === undefined || options.out === false ? undefined : options.out;
      const result = await (await import('../../app/certs.js')).runCertsSecrets(
        { ...common(options), ...(options.cluster !== undefined ? { cluster: options.cluster } : {}), ...(out !== undefined ? { out } : {}), ...(options.commands ? { commands: true } : {}) },
        appContext(ctx.io),
      );
      print(ctx, 'stylish', result);
    });

  commonOptions(certs.command('verify'))
    .description("check the PKI: one root for all clusters, valid chains, matching keys, Istio's profile, expiry")
    .addOption(formatOption())
    .option('--at <date>', 'check validity at this date instead of now (ISO 8601, e.g. 2027-01-31)')
    .option('--warning-days <n>', 'warn about certificates expiring within this many days (default: mesh.ca.expiryWarningDays, 30)')
    .addHelpText('after', '\nRules: pki-missing, pki-parse, pki-root-mismatch, pki-chain, pki-key-mismatch, pki-profile, pki-expired, pki-not-yet-valid (errors);\npki-expiring, pki-subject, pki-key-permissions (warnings); pki-rotation-pending (info).\nExit codes: 0 clean, 1 errors or warnings found, 2 invalid config or no PKI folder.')
    .action(async (options: CommonOptions & { format: string; at?: string; warningDays?: string }) => {
      const at = options.at === undefined ? undefined : new Date(options.at);
      if (at !== undefined && Number.isNaN(at.getTime())) throw usageError(`--at '${options.at}' is not a date`, 'Use ISO 8601, e.g. 2027-01-31 or 2027-01-31T12:00:00Z.');
      const warningDays = wholeNumber('--warning-days', options.warningDays, 0, 'a whole number of days');
      const result = await (await import('../../app/certs.js')).runCertsVerify({ ...common(options), ...(at !== undefined ? { at } : {}), ...(warningDays !== undefined ? { warningDays } : {}) }, appContext(ctx.io));
      print(ctx, options.format, result);
    });

  commonOptions(certs.command('rotate'))
    .description("re-issue a cluster's intermediate under the same root; the old one is kept until --confirm")
    .addOption(new Option('--cluster <name>', 'the cluster whose intermediate to rotate').makeOptionMandatory())
    .option('--confirm', 'finish a rotation: delete the previous intermediate kept in DIR/<cluster>/previous/')
    .addHelpText('after', '\nRollout order: update the cacerts Secret, restart istiod, restart the workloads, then --confirm (docs/pki.md).\nExit codes: 0 done, 2 unknown cluster, no PKI or a rotation already pending, 3 unwritable folder.')
    .action(async (options: CommonOptions & { cluster: string; confirm?: boolean }) => {
      print(ctx, 'stylish', await (await import('../../app/certs.js')).runCertsRotate({ ...common(options), cluster: options.cluster, ...(options.confirm ? { confirm: true } : {}) }, appContext(ctx.io)));
    });
}
