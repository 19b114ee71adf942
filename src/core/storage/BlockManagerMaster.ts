/** The driver's map of which executor holds each cached partition, used to place tasks next to their data. */
export class BlockManagerMaster {
  private readonly locations = new Map<string, string>();

  added(rddId: number, split: number, executorId: string): void {
    this.locations.set(`${rddId}_${split}`, executorId);
  }

  location(rddId: number, split: number): string | undefined {
    return this.locations.get(`${rddId}_${split}`);
  }

  cachedPartitions(rddId: number): Array<{ split: number; executorId: string }> {
    const prefix = `${rddId}_`;
    return [...this.locations.entries()]
      .filter(([k]) => k.startsWith(prefix))
      .map(([k, executorId]) => ({ split: Number(k.slice(prefix.length)), executorId }));
  }

  removeRdd(rddId: number): void {
    for (const k of [...this.locations.keys()]) if (k.startsWith(`${rddId}_`)) this.locations.delete(k);
  }

  executorLost(executorId: string): void {
    for (const [k, v] of [...this.locations.entries()]) if (v === executorId) this.locations.delete(k);
  }
}
