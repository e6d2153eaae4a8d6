// The custom messages between the extension (vscode-languageclient) and the
// Berth language server, typed in one place both sides import. Keep
// extension/server/README.md in step with this file.
import { RequestType } from 'vscode-languageserver-protocol';

/** The language id the server handles (package.json contributes.languages). */
export const LANGUAGE_ID = 'oci-config';

export interface PointerToRangeParams {
  /** Document URI (`file:///…/config.json`); the file is read from disk when it is not open. */
  uri: string;
  /** RFC 6901 JSON pointer from a runtime error, e.g. `/process/args/0`. */
  pointer: string;
}

/** A zero-based LSP range: the value at the pointer, or the key for a missing value. */
export interface PointerRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

/**
 * `berth/pointerToRange`: where a JSON pointer reported by the runtime
 * (berth create failing on a field) sits in the document. The deepest
 * existing ancestor's range is returned when the pointer goes beyond what
 * the document contains; null when the document cannot be read or parsed
 * to a root value.
 */
export const PointerToRangeRequest = new RequestType<PointerToRangeParams, PointerRange | null, void>('berth/pointerToRange');
