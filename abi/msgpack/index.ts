/** The boundary msgpack codec and its well-formedness scanner. */
export { pack, unpack, unpackGuest, checkGuestMsgpack, boundaryPackr } from './codec.js';
export { scanMsgpack, scanStatusText, scanFailedAt, ScanStatus } from './scan.js';
