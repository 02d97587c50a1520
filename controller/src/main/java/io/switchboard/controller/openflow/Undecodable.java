package io.switchboard.controller.openflow;

/** A well-framed message openflowj could not parse: passed up so the session can count, log and answer it. */
public record Undecodable(int version, int type, long xid, byte[] head, String reason) {}
