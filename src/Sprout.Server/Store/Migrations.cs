namespace Sprout.Server.Store;

/// <summary>
/// The schema, as an append-only list of steps. A database records the highest step applied;
/// opening it applies the rest in one transaction each. Never edit a released step: add one.
/// </summary>
internal static class Migrations
{
    public static IReadOnlyList<string> Steps { get; } =
    [
        """
        CREATE TABLE applications (
            name TEXT PRIMARY KEY,
            description TEXT,
            created TEXT NOT NULL
        );
        CREATE TABLE versions (
            application TEXT NOT NULL REFERENCES applications(name) ON DELETE CASCADE,
            label TEXT NOT NULL,
            description TEXT,
            status TEXT NOT NULL,
            bundle_sha256 TEXT NOT NULL,
            bundle_size INTEGER NOT NULL,
            platform TEXT,
            start_command TEXT,
            slug_directory TEXT,
            failure_reason TEXT,
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            PRIMARY KEY (application, label)
        );
        CREATE TABLE environments (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            application TEXT NOT NULL REFERENCES applications(name),
            version_label TEXT,
            cname TEXT NOT NULL,
            status TEXT NOT NULL,
            health TEXT NOT NULL,
            health_status TEXT NOT NULL,
            causes TEXT NOT NULL DEFAULT '',
            environment_type TEXT NOT NULL,
            desired_capacity INTEGER NOT NULL,
            config_generation INTEGER NOT NULL DEFAULT 1,
            operation TEXT,
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            terminated TEXT
        );
        CREATE UNIQUE INDEX environments_live_name ON environments(name) WHERE terminated IS NULL;
        CREATE UNIQUE INDEX environments_live_cname ON environments(cname) WHERE terminated IS NULL;
        CREATE TABLE option_settings (
            environment_id TEXT NOT NULL REFERENCES environments(id),
            namespace TEXT NOT NULL,
            option_name TEXT NOT NULL,
            resource_name TEXT NOT NULL DEFAULT '',
            value TEXT NOT NULL,
            PRIMARY KEY (environment_id, namespace, option_name, resource_name)
        );
        CREATE TABLE instances (
            id TEXT PRIMARY KEY,
            environment_id TEXT NOT NULL REFERENCES environments(id),
            version_label TEXT NOT NULL,
            config_generation INTEGER NOT NULL,
            state TEXT NOT NULL,
            health_status TEXT NOT NULL,
            causes TEXT NOT NULL DEFAULT '',
            port INTEGER NOT NULL,
            pid INTEGER,
            process_start_time INTEGER,
            instance_directory TEXT,
            restarts INTEGER NOT NULL DEFAULT 0,
            launched TEXT NOT NULL,
            terminated TEXT
        );
        CREATE INDEX instances_by_environment ON instances(environment_id) WHERE terminated IS NULL;
        CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            time TEXT NOT NULL,
            severity TEXT NOT NULL,
            message TEXT NOT NULL,
            application TEXT,
            environment TEXT,
            version_label TEXT
        );
        CREATE INDEX events_by_environment ON events(environment, id);
        """,
        // Router membership becomes explicit (deployments launch instances that get no traffic yet), and a
        // deployment's progress is saved after every step so a restarted server resumes it.
        """
        ALTER TABLE instances ADD COLUMN target_group TEXT;
        UPDATE instances SET target_group = 'default' WHERE terminated IS NULL;
        CREATE TABLE deployments (
            environment_id TEXT PRIMARY KEY REFERENCES environments(id),
            state_json TEXT NOT NULL,
            weights_json TEXT NOT NULL,
            updated TEXT NOT NULL
        );
        """,
        // Beanstalk's deployment id: the environment counts its deployments, an instance keeps the id of the one it runs.
        """
        ALTER TABLE environments ADD COLUMN deployment_count INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE instances ADD COLUMN deployment_id INTEGER NOT NULL DEFAULT 1;
        """,
        // The option settings each configuration generation had, so a rolling configuration update can launch
        // instances with the previous configuration when it rolls back, and the environment can return to it.
        """
        CREATE TABLE configurations (
            environment_id TEXT NOT NULL REFERENCES environments(id),
            generation INTEGER NOT NULL,
            settings_json TEXT NOT NULL,
            PRIMARY KEY (environment_id, generation)
        );
        """,
    ];
}
