package io.switchboard.apps.acl;

import java.util.Map;

/**
 * A rule in the store that is not in force: it no longer validates against the running config (e.g. its
 * network was removed by a reload), or a config rule took its name. It stays listed, and can be deleted.
 */
record RejectedRule(String name, Map<String, Object> definition, String reason) {}
