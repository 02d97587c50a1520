package io.switchboard.cluster;

import java.io.Serializable;

/**
 * Who masters one bridge, as the cluster agrees: the owner's member id and address, and the generation id it sends
 * to the switch in OFPT_ROLE_REQUEST. Generations of a bridge only grow, so a switch refuses (OFPRRFC_STALE) an
 * older master that wakes up.
 *
 * @param owner      the master's Hazelcast member uuid
 * @param address    the master's cluster address (host:port), for people
 * @param generation the generation id; every new record of a bridge has a higher one
 * @param since      when the record was written (epoch ms)
 */
record MasterRecord(String owner, String address, long generation, long since) implements Serializable {
  /** The generation a claimant expects when it saw no record at all. */
  static final long NONE = -1;
}
