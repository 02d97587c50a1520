package io.switchboard.controller.flow;

import io.switchboard.controller.spi.FlowEntry;

/**
 * An entry as the switch reported it in flow stats. {@code entry} is null when the switch holds something the
 * controller cannot express (an action it does not know); such an entry never equals a desired one, and
 * {@code rawActions} is the switch's actions as text (null when {@code entry} is not null).
 */
public record InstalledFlow(FlowKey key, FlowEntry entry, long cookie, int idleTimeout, int hardTimeout,
                            long packets, long bytes, long durationSec, String rawActions) {}
