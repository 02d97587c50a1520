package io.switchboard.apps.acl;

import io.switchboard.controller.spi.AppContext;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.spi.FlowSink;
import io.switchboard.controller.spi.KeyValueStore;
import io.switchboard.controller.spi.RestResource;
import io.switchboard.controller.spi.SwitchView;
import java.util.List;
import java.util.Optional;

/**
 * Priority-ordered allow / drop rules in the ACL stage. Rules come from the config file ({@code acl.rules}) and
 * from {@code POST /api/v1/acl/rules}; the latter live in the shared store {@value #STORE}, whose listener makes a
 * write on any controller instance take effect on every one. See docs/apps/acl.md.
 */
public final class AclApp implements ControllerApp {
  public static final String NAME = "acl";
  /** The store of rules added through REST: rule name to {@link StoredRule}. */
  public static final String STORE = "acl.rules";
  /** The store of security groups added or replaced through REST: group name to its definition. */
  public static final String GROUP_STORE = "acl.groups";

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AclApp.class);
  private static final long LIMIT_LOG_INTERVAL_NANOS = 60_000_000_000L;

  private final AclRulesResource resource = new AclRulesResource(this);
  private long lastLimitLog;
  private final AclConnectionsResource connections = new AclConnectionsResource();
  private final AclGroupsResource groupsResource = new AclGroupsResource(this);
  private volatile AppContext ctx;
  private volatile RuleBook book;
  private KeyValueStore<String, StoredRule> store;
  private KeyValueStore<String, StoredRule> groupStore;
  private KeyValueStore<String, java.io.Serializable> endpointStore;
  private final RuleBook.Compiled compiled = new RuleBook.Compiled();

  /** The app's {@code acl:} config section. */
  @Override
  public java.util.Optional<io.switchboard.config.AppSection<?>> configSection() {
    return java.util.Optional.of(AclSection.INSTANCE);
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Called at start and after every config reload: the rules are rebuilt against the new config. */
  @Override
  public synchronized void start(AppContext ctx) {
    this.ctx = ctx;
    KeyValueStore<String, StoredRule> s = ctx.stores().map(STORE);
    if (s != store) {
      store = s;
      s.addListener((name, rule) -> rulesChanged());
    }
    KeyValueStore<String, StoredRule> g = ctx.stores().map(GROUP_STORE);
    if (g != groupStore) {
      groupStore = g;
      g.addListener((name, group) -> groupsChanged());
    }
    KeyValueStore<String, java.io.Serializable> e = ctx.stores().map(EndpointDirectory.OVERLAY_STORE);
    if (e != endpointStore) {
      endpointStore = e;
      e.addListener((name, endpoint) -> groupsChanged());
    }
    rebuild();
  }

  @Override
  public void desiredFlows(SwitchView sw, FlowSink out) {
    RuleBook b = book;
    if (b != null) {
      AclFlows.compile(b, sw).forEach(out::add);
    }
  }

  @Override
  public String tagKind() {
    return "rule";
  }

  @Override
  public Optional<String> describeTag(long tag) {
    if (tag == RuleTags.DEFAULT_TAG) {
      return Optional.of("default");
    }
    if (tag == RuleTags.CONNTRACK_TAG) {
      return Optional.of("conntrack");
    }
    RuleBook b = book;
    return b == null ? Optional.empty() : b.ruleOfTag(tag).map(ActiveRule::name);
  }

  @Override
  public List<RestResource> resources() {
    return List.of(resource, groupsResource, connections);
  }

  // ---- for the REST resource

  RuleBook book() {
    return book;
  }

  AppContext context() {
    return ctx;
  }

  synchronized KeyValueStore<String, StoredRule> store() {
    return store;
  }

  /** The stored rules changed (here or on another instance): rebuild, and let the core send the difference. */
  void rulesChanged() {
    rebuild();
    AppContext c = ctx;
    if (c != null) {
      c.recomputeAll();
    }
  }

  synchronized KeyValueStore<String, StoredRule> groupStore() {
    return groupStore;
  }

  /** Groups or endpoints changed (here or on another instance): only the groups' rules are compiled again. */
  void groupsChanged() {
    synchronized (this) {
      RuleBook b = book;
      if (b == null) {
        return;
      }
      book = b.withGroups(compileGroups());
    }
    resource.changed();
    AppContext c = ctx;
    if (c != null) {
      c.recomputeAll();
    }
  }

  private synchronized void rebuild() {
    book = RuleBook.build(ctx.config(), store.snapshot(), compiled).withGroups(compileGroups());
    resource.changed();
  }

  private SecurityGroups compileGroups() {
    SecurityGroups g = SecurityGroups.compile(StoredGroups.of(ctx.config(), groupStore.snapshot()), endpoints());
    if (g.truncated()) {
      for (SwitchView sw : ctx.switches()) {
        ctx.count(sw.dpid(), "group_entries_limited");
      }
      long now = System.nanoTime();
      if (now - lastLimitLog > LIMIT_LOG_INTERVAL_NANOS || lastLimitLog == 0) {
        lastLimitLog = now;
        log.warn("acl: security groups want more than {} entries per bridge; the rest is left out (see GET"
            + " /api/v1/acl/groups warnings)", SecurityGroups.MAX_ENTRIES);
      }
    }
    return g;
  }

  EndpointDirectory endpoints() {
    return EndpointDirectory.of(ctx.config(), endpointStore.snapshot());
  }
}
