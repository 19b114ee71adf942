/** The driver's map of which executor holds each cached partition, used to place tasks next to their data. */
export class BlockManagerMaster {
  private readonly locations = new Map<string, string>();
  /** Bytes in memory and on disk per block, as toDebugString's CachedPartitions line reports them. */
  private readonly sizes = new Map<string, [number, number]>();

  added(rddId: number, split: number, executorId: string, memSize = 0, diskSize = 0): void {
    this.locations.set(`${rddId}_${split}`, executorId);
    this.sizes.set(`${rddId}_${split}`, [memSize, diskSize]);
  }

  location(rddId: number, split: number): string | undefined {
    return this.locations.get(`${rddId}_${split}`);
  }

  cachedPartitions(rddId: number): Array<{ split: number; executorId: string; memSize: number; diskSize: number }> {
    const prefix = `${rddId}_`;
    return [...this.locations.entries()]
      .filter(([k]) => k.startsWith(prefix))
      .map(([k, executorId]) => {
        const [memSize, diskSize] = this.sizes.get(k) ?? [0, 0];
        return { split: Number(k.slice(prefix.length)), executorId, memSize, diskSize };
      });
  }

  removeRdd(rddId: number): void {
    for (const k of [...this.locations.keys()]) {
      if (k.startsWith(`${rddId}_`)) {
        this.locations.delete(k);
        this.sizes.delete(k);
      }
    }
  }

  executorLost(executorId: string): void {
    for (const [k, v] of [...this.locations.entries()]) {
      if (v === executorId) {
        this.locations.delete(k);
        this.sizes.delete(k);
      }
    }
  }
}
