package realclient;

/**
 * What the client sent and received, printed as it happens so that a hang or a crash still shows
 * how far the conversation got; the pytest wrapper prints it when the test fails.
 */
final class Transcript {
    private static final long START = System.nanoTime();

    private Transcript() {}

    static void step(String text) {
        line("==", text);
    }

    static void sent(String text) {
        line("C:", text);
    }

    static void received(String text) {
        line("S:", text);
    }

    static void note(String text) {
        line("--", text);
    }

    private static synchronized void line(String tag, String text) {
        long millis = (System.nanoTime() - START) / 1_000_000;
        System.out.printf("%6d ms %s %s%n", millis, tag, text);
        System.out.flush();
    }
}
