// `mlw`: the server's capabilities on the command line, for scripts and CI.
import { describeError, UserError } from './common/errors';
import { EXIT_ERROR, type Command } from './cli/common';
import { merkleCommands } from './cli/merkle';
import { mlCommands } from './cli/ml';
import { dataValidationCommands } from './cli/datavalidation';
import { simulationCommands } from './cli/simulation';
import { musicCommands } from './cli/music';
import { musicModelCommands } from './cli/musicModel';
import { onnxCommands } from './cli/onnx';
import { trackingCommands } from './cli/tracking';

const commands: Record<string, Command> = {
  ...merkleCommands,
  ...dataValidationCommands,
  ...musicCommands,
  ...musicModelCommands,
  ...onnxCommands,
  ...trackingCommands,
  ...simulationCommands,
  ...mlCommands,
};

function help(): string {
  const width = Math.max(...Object.keys(commands).map(k => k.length));
  const lines = Object.entries(commands).map(([name, c]) => `  mlw ${name.padEnd(width)}  ${c.summary}`);
  return `ML Workbench command line\n\nusage:\n${lines.join('\n')}\n\nEvery command takes --help. Exit status: 0 nothing found, 1 differences or anomalies found, 2 error.\n`;
}

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    process.stdout.write(help());
    return 0;
  }
  if (argv[0] === '--version') {
    process.stdout.write(`${require('../package.json').version}\n`);
    return 0;
  }
  // Commands are one or two words: "merkle diff", "stats".
  const two = argv.slice(0, 2).join(' ');
  const [name, rest] = commands[two] ? [two, argv.slice(2)] : [argv[0], argv.slice(1)];
  const command = commands[name];
  if (!command) {
    const group = Object.keys(commands).filter(k => k.startsWith(`${argv[0]} `));
    if (group.length) throw new UserError(`unknown command "${two}"; try: ${group.map(g => `mlw ${g}`).join(', ')}`);
    throw new UserError(`unknown command "${argv[0]}" (see: mlw --help)`);
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`usage: mlw ${command.usage}\n\n${command.summary}\n`);
    return 0;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  code => { process.exitCode = code; },
  err => {
    process.stderr.write(`mlw: ${describeError(err)}\n`);
    if (!(err instanceof UserError) && process.env.MLW_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    process.exitCode = EXIT_ERROR;
  },
);
