package io.switchboard.apps.acl;

import java.util.Locale;

/** Where a rule was defined: the config file (changed there) or the REST API (kept in the "acl.rules" store). */
enum RuleSource {
  CONFIG,
  API;

  String text() {
    return name().toLowerCase(Locale.ROOT);
  }
}
