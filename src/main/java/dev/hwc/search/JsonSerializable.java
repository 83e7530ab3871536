package dev.hwc.search;

/**
 * Marker for everything Pekko serialises: commands, replies, events. Bound to Jackson CBOR in conf/pekko.conf
 * ({@code pekko.actor.serialization-bindings}); Java serialisation is off.
 */
public interface JsonSerializable {}
