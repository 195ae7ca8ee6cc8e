/**
 * How a table or index bills RAM: `delta` bytes (negative to refund) to the account `payer`.
 * Its own file so the table store and its secondary indexes share it without importing each other.
 */
export type RamCharge = (payer: bigint, delta: number) => void;
