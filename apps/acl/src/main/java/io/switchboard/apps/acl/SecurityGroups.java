package io.switchboard.apps.acl;

import io.switchboard.controller.spi.Field;
import io.switchboard.controller.spi.FlowMatch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Security groups compiled into rules: each group rule becomes one {@link ActiveRule} named {@code GROUP:rules[i]}
 * whose matches are the rule's match with each member's address on the member side (ipv4-dst for ingress, ipv4-src
 * for egress) and, with a {@code remote-group}, each of that group's members' addresses on the other side. An
 * endpoint that joins or leaves only adds or removes its own matches, so the core sends only those entries.
 *
 * @param groups   the groups in force: config groups first, then the API's, each by name
 * @param warnings group name to its warnings (members without an address)
 * @param rejected stored groups not in force, with the reason
 * @param entries  how many entries the group rules put on a bridge
 * @param truncated whether {@link #MAX_ENTRIES} left some out
 */
record SecurityGroups(List<Group> groups, List<ActiveRule> rules, Map<String, List<String>> warnings,
    Map<String, String> rejected, int entries, boolean truncated) {

  /**
   * At most this many entries (member x remote pairs, over all groups) per bridge; the rest is left out, reported in
   * the group's warnings, logged and counted (see {@link AclApp}). REST writes that would exceed it are refused.
   */
  static final int MAX_ENTRIES = 200_000;

  /** A group in force and where it came from. */
  record Group(AclGroup group, RuleSource source) {}

  static final SecurityGroups NONE = new SecurityGroups(List.of(), List.of(), Map.of(), Map.of(), 0, false);

  static SecurityGroups compile(StoredGroups stored, EndpointDirectory endpoints) {
    SecurityGroups g = compile(stored.inForce(), endpoints, MAX_ENTRIES);
    return new SecurityGroups(g.groups, g.rules, g.warnings, Map.copyOf(stored.rejected()), g.entries, g.truncated);
  }

  static SecurityGroups compile(List<Group> groups, EndpointDirectory endpoints, int maxEntries) {
    Map<String, List<Integer>> addresses = new LinkedHashMap<>();
    Map<String, List<String>> warnings = new LinkedHashMap<>();
    for (Group g : groups) {
      List<Integer> ips = new ArrayList<>();
      List<String> w = new ArrayList<>();
      for (String member : g.group().members()) {
        OptionalInt ip = endpoints.ip(member);
        if (ip.isPresent()) {
          ips.add(ip.getAsInt());
        } else {
          w.add("member '" + member + "' is no overlay endpoint with an IPv4 address (yet): it adds no entries");
        }
      }
      addresses.put(g.group().name(), ips);
      warnings.put(g.group().name(), List.copyOf(w));
    }
    List<ActiveRule> rules = new ArrayList<>();
    int total = 0;
    boolean truncated = false;
    for (Group g : groups) {
      List<AclGroup.Rule> rs = g.group().rules();
      for (int i = 0; i < rs.size(); i++) {
        AclGroup.Rule r = rs.get(i);
        String name = g.group().name() + ":rules[" + i + "]";
        AclRule rule = new AclRule(name, r.priority(), Optional.empty(), Optional.empty(), r.match(), r.action());
        List<Integer> mine = addresses.get(g.group().name());
        List<Integer> remote = r.remoteGroup().map(addresses::get).orElse(null);
        boolean ingress = r.direction() == AclGroup.Direction.INGRESS;
        Field memberField = ingress ? Field.IPV4_DST : Field.IPV4_SRC;
        Field remoteField = ingress ? Field.IPV4_SRC : Field.IPV4_DST;
        List<RuleMatch> bases = RuleMatch.of(r.match(), OptionalLong.empty());
        long wanted = (long) bases.size() * mine.size() * (remote == null ? 1 : remote.size());
        List<RuleMatch> matches = new ArrayList<>();
        expand:
        for (RuleMatch base : bases) {
          for (int ip : mine) {
            FlowMatch.Builder b = base.fields().toBuilder().exact(memberField, ip & 0xffff_ffffL);
            for (int k = 0; k < (remote == null ? 1 : remote.size()); k++) {
              if (total == maxEntries) {
                break expand;
              }
              if (remote != null) {
                b.exact(remoteField, remote.get(k) & 0xffff_ffffL);
              }
              matches.add(new RuleMatch(base.inPort(), b.build()));
              total++;
            }
          }
        }
        if (matches.size() < wanted) {
          truncated = true;
          List<String> w = new ArrayList<>(warnings.get(g.group().name()));
          w.add("rules[" + i + "]: only " + matches.size() + " of its " + wanted + " entries are installed: the"
              + " security groups' entries are limited to " + maxEntries + " per bridge");
          warnings.put(g.group().name(), List.copyOf(w));
        }
        rules.add(new ActiveRule(rule, g.source(), RuleTags.of("group:" + name), matches));
      }
    }
    return new SecurityGroups(List.copyOf(groups), List.copyOf(rules), warnings, Map.of(), total, truncated);
  }

  Optional<Group> group(String name) {
    return groups.stream().filter(g -> g.group().name().equals(name)).findFirst();
  }
}
