package io.switchboard.apps.acl;

import io.switchboard.config.ConfigError;
import io.switchboard.config.Result;
import io.switchboard.controller.spi.ApiException;
import io.switchboard.controller.spi.ChangeListeners;
import io.switchboard.controller.spi.KeyValueStore;
import io.switchboard.controller.spi.RestResource;
import io.switchboard.controller.spi.SwitchView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * {@code /api/v1/acl/rules}: every rule with its source, hit counters and warnings; POST adds a rule, DELETE
 * removes one added through the API. Config rules are changed in the config file (DELETE answers 409).
 */
final class AclRulesResource implements RestResource {
  /** How long GET waits for the bridges' flow stats before answering with what it has. */
  static final Duration STATS_TIMEOUT = Duration.ofSeconds(2);

  private final AclApp app;
  private final ChangeListeners listeners = new ChangeListeners();

  AclRulesResource(AclApp app) {
    this.app = app;
  }

  @Override
  public void onChange(Runnable listener) {
    listeners.add(listener);
  }

  /** The rules were rebuilt (a REST change here or on another instance, a reload, a group or endpoint change). */
  void changed() {
    listeners.fire();
  }

  @Override
  public String path() {
    return "acl/rules";
  }

  @Override
  public List<Map<String, Object>> list() {
    RuleBook book = app.book();
    HitCounters hits = HitCounters.read(app.context(), STATS_TIMEOUT);
    List<Map<String, Object>> out = new ArrayList<>();
    for (ActiveRule r : book.rules()) {
      out.add(describe(book, r, hits));
    }
    for (RejectedRule r : book.rejected()) {
      out.add(describe(r));
    }
    return out;
  }

  @Override
  public Optional<Map<String, Object>> get(String name) {
    RuleBook book = app.book();
    Optional<ActiveRule> rule = book.rule(name);
    if (rule.isPresent()) {
      return Optional.of(describe(book, rule.get(), HitCounters.read(app.context(), STATS_TIMEOUT)));
    }
    return book.rejectedRule(name).map(AclRulesResource::describe);
  }

  @Override
  public Map<String, Object> create(Map<String, Object> body) {
    String label = body.get("name") instanceof String n ? "rule '" + n + "': " : "rule: ";
    Result<AclRule> parsed = AclRules.parseRule(body, app.context().config());
    if (!parsed.isOk()) {
      throw new ApiException(400, label + parsed.errorText());
    }
    AclRule rule = parsed.value();
    KeyValueStore<String, StoredRule> store = app.store();
    synchronized (app) {
      RuleBook book = app.book();
      Optional<ActiveRule> same = book.rule(rule.name());
      if (same.isPresent() || book.rejectedRule(rule.name()).isPresent()) {
        throw new ApiException(409, label + "a rule of that name already exists (source: "
            + same.map(r -> r.source().text()).orElse("api") + "); delete it first or choose another name");
      }
      List<ConfigError> conflicts = AclRules.conflicts(rule, book.aclRules());
      if (!conflicts.isEmpty()) {
        throw new ApiException(409, label + conflicts.stream().map(ConfigError::toString)
            .collect(Collectors.joining("; ")));
      }
      if (store.putIfAbsent(rule.name(), StoredRule.of(rule)) != null) {
        throw new ApiException(409, label + "a rule of that name was just added");
      }
    }
    // the store's listener has rebuilt the book and asked for the recompute: stores tell of a local write at once,
    // on the writer's thread (rebuilding here too made every change cost two rebuilds and two recomputes)
    RuleBook book = app.book();
    return book.rule(rule.name()).map(r -> describe(book, r, HitCounters.NONE))
        .or(() -> book.rejectedRule(rule.name()).map(AclRulesResource::describe))
        .orElseThrow(() -> new ApiException(409, label + "the rule was removed again meanwhile"));
  }

  @Override
  public boolean delete(String name) {
    if (app.store().remove(name) != null) {
      return true; // rebuilt by the store's listener
    }
    Optional<ActiveRule> rule = app.book().rule(name);
    if (rule.isPresent() && rule.get().source() == RuleSource.CONFIG) {
      throw new ApiException(409, "rule '" + name + "' is defined in the config file ("
          + app.book().configSource() + "); remove it there and reload the config");
    }
    return false;
  }

  // ---- answers

  private Map<String, Object> describe(RuleBook book, ActiveRule r, HitCounters hits) {
    Map<String, Object> m = new LinkedHashMap<>(r.rule().toMap());
    m.put("source", r.source().text());
    m.put("applied", true);
    m.put("openflow-priority", r.openFlowPriority());
    HitCounters.Hits h = hits.of(r.tag());
    Map<String, Object> hm = new LinkedHashMap<>();
    hm.put("packets", h.packets());
    hm.put("bytes", h.bytes());
    if (!hits.unanswered().isEmpty()) {
      hm.put("missing-bridges", hits.unanswered());
    }
    m.put("hits", hm);
    m.put("installed-on", List.copyOf(new TreeSet<>(h.bridges())));
    List<String> warnings = new ArrayList<>(book.warnings().getOrDefault(r.name(), List.of()));
    warnings.addAll(bridgeWarnings(book, r));
    m.put("warnings", warnings);
    return m;
  }

  private static Map<String, Object> describe(RejectedRule r) {
    Map<String, Object> m = new LinkedHashMap<>(r.definition());
    m.put("source", RuleSource.API.text());
    m.put("applied", false);
    m.put("warnings", List.of(r.reason()));
    return m;
  }

  /** What the connected bridges in the rule's scope say about it: a missing in-port, OpenFlow 1.0. */
  private List<String> bridgeWarnings(RuleBook book, ActiveRule r) {
    List<SwitchView> inScope = app.context().switches().stream()
        .filter(sw -> r.appliesTo(sw, book.isOverlayHost(sw))).toList();
    List<String> out = new ArrayList<>();
    List<String> singleTable = inScope.stream().filter(sw -> !sw.multiTable()).map(SwitchView::name).sorted()
        .toList();
    if (!singleTable.isEmpty()) {
      out.add("not installed on OpenFlow 1.0 bridge(s) " + String.join(", ", singleTable)
          + ": the ACL stage needs OpenFlow 1.3 or later");
    }
    if (r.action().stateful()) {
      List<String> noConntrack = inScope.stream().filter(sw -> sw.multiTable() && !AclFlows.supportsConntrack(sw))
          .map(SwitchView::name).sorted().toList();
      if (!noConntrack.isEmpty()) {
        out.add("not installed on " + noConntrack.size() + " bridge(s) speaking OpenFlow 1.5 ("
            + String.join(", ", noConntrack) + "): allow-related needs conntrack matches, which are sent over"
            + " OpenFlow 1.3 or 1.4 only");
      }
    }
    Optional<String> port = r.rule().match().inPort();
    List<SwitchView> multi = inScope.stream().filter(SwitchView::multiTable).toList();
    if (port.isPresent() && !multi.isEmpty()
        && multi.stream().noneMatch(sw -> RuleMatch.resolvePort(sw, port.get()).isPresent())) {
      out.add("in-port '" + port.get() + "' exists on no connected bridge in the rule's scope: nothing is"
          + " installed until the port appears");
    }
    return out;
  }
}
