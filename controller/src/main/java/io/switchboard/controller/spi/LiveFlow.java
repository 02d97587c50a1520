package io.switchboard.controller.spi;

/** One of an app's entries as the switch holds it, with the switch's counters. */
public record LiveFlow(FlowEntry entry, long tag, long packets, long bytes, long durationSeconds) {}
