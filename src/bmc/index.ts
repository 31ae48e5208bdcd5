// Nodes' BMCs: IPMI over LAN through ipmitool, run on the matchbox host or this machine,
// with passwords in their own 0600 files and never on a command line.
export { type BmcAddress, type BmcRecord, type BmcVia, BMC_VIAS, checkBmcUser, checkVia, formatBmc, parseBmcUrl } from "./address";
export { type BmcTarget, type IpmiRunner, IPMI_DEADLINE_MS, bmcError, classify, hostRunner, lanplusArgs, localRunner } from "./ipmitool";
export { type PowerAction, type PowerOutcome, type PowerState, POWER_ACTIONS, bootFromNetworkOnce, power, powerStatus } from "./power";
export { BMC_PASSWORD_ENV, bmcPassword, bmcPasswordFile, readBmcPassword, removeBmcPassword, writeBmcPassword } from "./secrets";
