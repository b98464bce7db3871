// `kafka-privatelink doctor …`: the consumer-side probe. Bad input prints one line and exits 2;
// anything else unexpected is a bug and keeps its stack trace.
import { KafkaPrivateLinkError } from '@kafka-privatelink/cluster-spec';
import { doctorCommand, USAGE } from './cli';

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command !== 'doctor') {
    process.stderr.write(`kafka-privatelink: unknown command ${command}; the command is doctor (see --help)\n`);
    return 2;
  }
  try {
    return await doctorCommand(rest, (s) => process.stdout.write(s), (s) => process.stderr.write(s), process.env);
  } catch (e) {
    if (e instanceof KafkaPrivateLinkError) {
      process.stderr.write(`kafka-privatelink doctor: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
