// The project use cases several commands share: push the profile directory and the nodes
// to matchbox, load the profile directory, record what pxectl owns, look nodes up, boot lab VMs.
export type { Session } from "./session";
export { type Loaded, loadDesired } from "./load";
export { saveOwned } from "./owned";
export { type PushOptions, type PushResult, checkPush, push } from "./push";
export { findNode, leasesOrNothing } from "./nodes";
export { type BootedVm, type LabVmsResult, bootAll, convergeVms, isLabMac } from "./lab-vms";
export { syncGrubNodes } from "./grub-nodes";
