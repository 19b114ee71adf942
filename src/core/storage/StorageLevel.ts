/** Spark's storage levels, reduced to the flags dstream honours (no replication, no off-heap). */
export class StorageLevel {
  private constructor(
    readonly useDisk: boolean,
    readonly useMemory: boolean,
    readonly deserialized: boolean,
    readonly name: string,
  ) {}

  static readonly NONE = new StorageLevel(false, false, false, "NONE");
  static readonly DISK_ONLY = new StorageLevel(true, false, false, "DISK_ONLY");
  static readonly MEMORY_ONLY = new StorageLevel(false, true, true, "MEMORY_ONLY");
  static readonly MEMORY_ONLY_SER = new StorageLevel(false, true, false, "MEMORY_ONLY_SER");
  static readonly MEMORY_AND_DISK = new StorageLevel(true, true, true, "MEMORY_AND_DISK");
  static readonly MEMORY_AND_DISK_SER = new StorageLevel(true, true, false, "MEMORY_AND_DISK_SER");

  static fromName(name: string): StorageLevel {
    const all = [
      StorageLevel.NONE,
      StorageLevel.DISK_ONLY,
      StorageLevel.MEMORY_ONLY,
      StorageLevel.MEMORY_ONLY_SER,
      StorageLevel.MEMORY_AND_DISK,
      StorageLevel.MEMORY_AND_DISK_SER,
    ];
    const found = all.find((l) => l.name === name);
    if (!found) {
      throw new Error(`StorageLevel.fromName: unknown level '${name}'. Valid levels: ${all.map((l) => l.name).join(", ")}`);
    }
    return found;
  }

  isValid(): boolean {
    return this.useMemory || this.useDisk;
  }

  /** Spark's `description`, used by toDebugString: "Memory Deserialized 1x Replicated". */
  description(): string {
    const parts: string[] = [];
    if (this.useDisk) parts.push("Disk");
    if (this.useMemory) parts.push("Memory");
    parts.push(this.deserialized ? "Deserialized" : "Serialized");
    return `${parts.join(" ")} 1x Replicated`;
  }

  toString(): string {
    return `StorageLevel(${this.name})`;
  }
}
