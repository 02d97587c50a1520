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
 * write on any controller instance take effect on every one. See README.md.
 */
public final class AclApp implements ControllerApp {
  public static final String NAME = "acl";
  /** The store of rules added through REST: rule name to {@link StoredRule}. */
  public static final String STORE = "acl.rules";

  private final AclRulesResource resource = new AclRulesResource(this);
  private volatile AppContext ctx;
  private volatile RuleBook book;
  private KeyValueStore<String, StoredRule> store;
  private final RuleBook.Compiled compiled = new RuleBook.Compiled();

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
    RuleBook b = book;
    return b == null ? Optional.empty() : b.ruleOfTag(tag).map(ActiveRule::name);
  }

  @Override
  public List<RestResource> resources() {
    return List.of(resource);
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

  private synchronized void rebuild() {
    book = RuleBook.build(ctx.config(), store.snapshot(), compiled);
  }
}
