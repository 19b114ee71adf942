/** A failed WebHDFS call: names the operation, the path and, where it came from a server, its exception. */
export class HdfsException extends Error {
  constructor(
    message: string,
    /** Hadoop's exception class name (`FileNotFoundException`, ...) when the NameNode sent one. */
    readonly remoteException?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "HdfsException";
  }
}

/** The NameNode (or a DataNode, after every retry) could not be reached. */
export class HdfsConnectionException extends HdfsException {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, undefined, options);
    this.name = "HdfsConnectionException";
  }
}
