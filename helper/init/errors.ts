// Errors of the init stage carry the config field they come from, so the
// parent can print `/mounts/3: mount `/data`: no such file or directory`.
export class InitError extends Error {
  constructor(
    message: string,
    readonly pointer?: string,
  ) {
    super(message);
  }
}

/** Runs `fn`, labelling any failure with `pointer` (unless it already has one). */
export function at<T>(pointer: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof InitError) throw e;
    throw new InitError(e instanceof Error ? e.message : String(e), pointer);
  }
}
