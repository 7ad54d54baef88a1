import Foundation

/// Executables that test targets depend on are built next to the test bundle.
public enum BuiltExecutable {
    public static func url(_ name: String) -> URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent(name)
    }
}
