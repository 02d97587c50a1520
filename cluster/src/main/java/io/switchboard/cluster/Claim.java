package io.switchboard.cluster;

import com.hazelcast.map.EntryProcessor;
import java.util.Map;

/**
 * Compare-and-set of one bridge's {@link MasterRecord}, run atomically on the key's partition owner: when the
 * record still has the generation the claimant saw, it becomes the claimant's with a generation above both the old
 * one and the newest the switch is known to hold. Otherwise nothing changes. Either way the answer is the record
 * as it now is. Deterministic, so the same processor is replayed on the backup.
 *
 * @param expectedGeneration the generation of the record the claimant saw, or {@link MasterRecord#NONE}
 * @param atLeast            the newest generation the switch reported (0 when unknown)
 */
record Claim(long expectedGeneration, String owner, String address, long atLeast, long since)
    implements EntryProcessor<Long, MasterRecord, MasterRecord> {

  @Override
  public MasterRecord process(Map.Entry<Long, MasterRecord> entry) {
    MasterRecord current = entry.getValue();
    long currentGeneration = current == null ? MasterRecord.NONE : current.generation();
    if (currentGeneration != expectedGeneration) {
      return current;
    }
    long generation = Math.max(0, Math.max(currentGeneration, atLeast)) + 1;
    MasterRecord next = new MasterRecord(owner, address, generation, since);
    entry.setValue(next);
    return next;
  }
}
