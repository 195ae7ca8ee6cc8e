/**
 * Why a node cannot start on its data folder, with a stable `code` for callers and a message that
 * says which file, what is wrong and how to fix it.
 */
import { CodedError } from '../../lib/coded-error.js';

export const DATA_FOLDER_ERROR_CODES = [
  /** A live node holds the folder's lock. */
  'DATA_FOLDER_IN_USE',
  /** `committed.json` is not the marker the node writes. */
  'COMMITTED_MARKER_DAMAGED',
  /** `accepted.log` is bigger, or carries more entries, than the node ever leaves in it. */
  'ACCEPTED_JOURNAL_TOO_LARGE',
] as const;
export type DataFolderErrorCode = (typeof DATA_FOLDER_ERROR_CODES)[number];

export class DataFolderError extends CodedError<DataFolderErrorCode> {
  override readonly name = 'DataFolderError';
  constructor(
    code: DataFolderErrorCode,
    message: string,
    readonly path: string,
  ) {
    super(code, message);
  }
}
