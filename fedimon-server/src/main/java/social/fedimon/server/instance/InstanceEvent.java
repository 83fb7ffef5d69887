package social.fedimon.server.instance;

import java.util.UUID;

/**
 * Something happened to an instance that its admin hears of by mail.
 *
 * @param what {@code request-received}, {@code approved}, {@code declined}, {@code dns-verified},
 *     {@code backup-received}, {@code restore-started}, {@code restore-finished}
 * @param detail a reason, a count, or ""
 */
public record InstanceEvent(UUID instance, String what, String detail) {}
