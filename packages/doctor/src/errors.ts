import { KafkaPrivateLinkError } from '@kafka-privatelink/cluster-spec';

/** A bad argument or description file: printed as one line, exit code 2. */
export class DoctorInputError extends KafkaPrivateLinkError {}
