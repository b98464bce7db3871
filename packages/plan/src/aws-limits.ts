/** AWS default quota of inbound rules per security group (each CIDR of a rule counts as one); adjustable. */
export const MAX_INBOUND_RULES_PER_SECURITY_GROUP = 60;
