package io.switchboard.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.spi.merge.MergingValue;
import com.hazelcast.spi.merge.SplitBrainMergePolicy;

/**
 * After a split brain heals, each bridge keeps the master record with the higher generation (the one the switch
 * saw last), ties broken by owner id, so both halves agree again on one master per bridge.
 */
public final class GenerationMergePolicy implements SplitBrainMergePolicy<Object, MergingValue<Object>, Object> {

  @Override
  public Object merge(MergingValue<Object> merging, MergingValue<Object> existing) {
    if (existing == null) {
      return merging.getRawValue();
    }
    if (!(merging.getDeserializedValue() instanceof MasterRecord m)
        || !(existing.getDeserializedValue() instanceof MasterRecord e)) {
      return existing.getRawValue();
    }
    boolean mergingWins = m.generation() > e.generation()
        || (m.generation() == e.generation() && m.owner().compareTo(e.owner()) > 0);
    return mergingWins ? merging.getRawValue() : existing.getRawValue();
  }

  @Override
  public void writeData(ObjectDataOutput out) {}

  @Override
  public void readData(ObjectDataInput in) {}
}
