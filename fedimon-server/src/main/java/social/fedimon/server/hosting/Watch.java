package social.fedimon.server.hosting;

/** What a deploy reports to, and asks whether to stop. */
public interface Watch {

  /** A line of the task's log. */
  void log(String message);

  /** Throws when the task is being cancelled or its node stops. */
  void checkStop();

  /** A watch that says nothing and never stops. */
  Watch NONE =
      new Watch() {
        @Override
        public void log(String message) {}

        @Override
        public void checkStop() {}
      };
}
