/**
 * The contract side of the PeerOS AssemblyScript SDK: Antelope intrinsics, names, symbols,
 * assets, the binary serializer, tables and action dispatch. See docs/contract-sdk.md.
 */
export * from "./check";
export * from "./name";
export * from "./symbol";
export * from "./asset";
export * from "./data-stream";
export * from "./table";
export * from "./singleton";
export * from "./action";
export * from "./types";
export * from "./fixed-bytes";
export * from "./crypto-types";
export * from "./extended-asset";
export * from "./optional";
export * from "./secondary-index";
