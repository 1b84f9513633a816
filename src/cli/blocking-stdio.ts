/**
 * Writes to a pipe that wait for the reader. Node writes to a pipe asynchronously on POSIX and keeps in
 * memory whatever the reader has not taken yet, so a command that writes a large document into a pipe
 * (`check --json` on xl writes gigabytes: `jcgraph check … | jq`) would hold all of it and run out of
 * memory, where the same command writing to a file streams. A blocking pipe makes each write wait, as a
 * file's writes and a terminal's already do. It is libuv's `uv_stream_set_blocking`, which Node's own
 * terminal streams use, reached through the stream's handle.
 */

interface BlockableHandle {
  setBlocking?: (blocking: boolean) => number;
}

/** Makes a process stream's writes blocking when it is a pipe; true when they now are. */
export function writeBlocking(stream: NodeJS.WriteStream): boolean {
  if (stream.isTTY) return true;
  const handle = (stream as unknown as { readonly _handle?: BlockableHandle })._handle;
  if (typeof handle?.setBlocking !== 'function') return false; // a file: its writes are synchronous already
  return handle.setBlocking(true) === 0;
}

/**
 * Ends the process quietly when the reader of its output goes away (`jcgraph findings --json | head`):
 * exit status 141, as a command killed by SIGPIPE ends, instead of Node's unhandled EPIPE and its stack.
 */
export function endWhenReaderCloses(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(141);
    throw error;
  });
}
