package io.switchboard.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What a section's parser may use besides its own tree: the errors of this parse, the file it came from, and the
 * names the other sections declared. Kinds used today: {@link #BRIDGE} (every bridge named under {@code bridges:},
 * plus those an app declares, e.g. the hosts' bridges of a {@link LogicalTopology}) and {@link #NETWORK} (its logical
 * networks).
 * One instance per parse; not thread-safe.
 */
public final class SectionContext {
  public static final String BRIDGE = "bridge";
  public static final String NETWORK = "network";

  private final Errors errors;
  private final String source;
  private final Map<String, Set<String>> declared = new LinkedHashMap<>();

  public SectionContext(Errors errors, String source) {
    this.errors = errors;
    this.source = source;
  }

  public Errors errors() {
    return errors;
  }

  /** The file being parsed, as named in errors ({@link SwitchboardConfig#source()}). */
  public String source() {
    return source;
  }

  /** Makes a name of a kind known to the sections parsed after this one (declared valid or not, so that a
   * reference to a broken declaration is not reported a second time). */
  public void declare(String kind, String name) {
    declared.computeIfAbsent(kind, k -> new LinkedHashSet<>()).add(name);
  }

  /** The names of a kind declared so far, in declaration order. */
  public Set<String> declared(String kind) {
    return Collections.unmodifiableSet(declared.getOrDefault(kind, Set.of()));
  }
}
