/// The crates that ship with pallet, as spec text. Their locations read `pallet:crates.yaml`.
public enum BuiltInCrates {
    /// The pseudo-path of the built-in crates in diagnostics and origins.
    public static let path = "pallet:crates.yaml"

    /// The built-in crates' YAML.
    public static let source = #"""
crates:
  automated-admin-user:
    params:
      username: {default: pallet-admin}
      public-key: {}
    phases:
      bootstrap: &admin
        - packages: [sudo]
        - user: {name: "{{ username }}", shell: /bin/bash}
        - authorized-key: {user: "{{ username }}", key: "{{ public-key }}"}
        - file:
            path: "/etc/sudoers.d/pallet-{{ username }}"
            content: "{{ username }} ALL=(ALL) NOPASSWD: ALL\nDefaults:{{ username }} env_keep += SSH_AUTH_SOCK\n"
            mode: "0440"
            validate: 'visudo -cf "$1"'
      configure: *admin

  apt-proxy:
    params:
      url: {default: "http://10.0.2.2:3142"}
    phases:
      bootstrap: &proxy
        - package-manager: {proxy: "{{ url }}"}
      configure: *proxy

  git:
    params:
      repository: {}
      directory: {}
      revision: {default: HEAD}
    phases:
      configure:
        - packages: [git]
        - exec:
            script: |
              set -eu
              if [ ! -d "$GIT_DIR_PATH/.git" ]; then git clone --quiet -- "$GIT_REPOSITORY" "$GIT_DIR_PATH"; fi
              git -C "$GIT_DIR_PATH" fetch --quiet --tags origin
              git -C "$GIT_DIR_PATH" checkout --quiet --detach "$GIT_REVISION"
            unless: >-
              test -d "$GIT_DIR_PATH/.git" && git -C "$GIT_DIR_PATH" fetch --quiet --tags origin &&
              test "$(git -C "$GIT_DIR_PATH" rev-parse HEAD)" = "$(git -C "$GIT_DIR_PATH" rev-parse "$GIT_REVISION^{commit}")"
            environment:
              GIT_REPOSITORY: "{{ repository }}"
              GIT_DIR_PATH: "{{ directory }}"
              GIT_REVISION: "{{ revision }}"

  nginx:
    params:
      server-name: {default: localhost}
      listen: {default: "80"}
      root: {default: /var/www/html}
    phases:
      configure:
        - packages: [nginx]
        - directory: {path: "{{ root }}"}
        - file:
            path: "/etc/nginx/sites-available/pallet-{{ server-name }}"
            content: |
              server {
                listen {{ listen }};
                server_name {{ server-name }};
                root {{ root }};
                index index.html;
                location / { try_files $uri $uri/ =404; }
              }
          notify: [reload-nginx]
        - link:
            path: "/etc/nginx/sites-enabled/pallet-{{ server-name }}"
            target: "/etc/nginx/sites-available/pallet-{{ server-name }}"
          notify: [reload-nginx]
        - link: {path: /etc/nginx/sites-enabled/default, state: absent}
          notify: [reload-nginx]
        - service: {name: nginx, state: started, enabled: true}
    handlers:
      reload-nginx:
        - exec: nginx -t
        - service: {name: nginx, state: reloaded}

  mariadb:
    params:
      root-password: {type: secret}
      database: {}
      user: {}
      password: {type: secret}
      bind-address: {default: 127.0.0.1}
      service: {default: mariadb}
    phases:
      configure:
        - packages: [mariadb-server, mariadb-client]
        - file:
            path: /etc/mysql/mariadb.conf.d/60-pallet.cnf
            content: "[mysqld]\nbind-address = {{ bind-address }}\n"
          notify: [restart-mariadb]
        - service: {name: "{{ service }}", state: started, enabled: true}
        - name: root password
          exec:
            script: |
              set -eu
              # The SQL reaches mysql on its standard input from bash's printf builtin: no password
              # is ever on a command line. Strings are quoted for the session's sql_mode, set first.
              sql_string() { local s=${1//\\/\\\\}; s=${s//\'/\'\'}; printf "'%s'" "$s"; }
              pw=$(sql_string "$ROOT_PW")
              printf '%s\n' "SET SESSION sql_mode = '';" \
                "ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD($pw);" \
                | mysql -uroot
            unless: 'MYSQL_PWD="$ROOT_PW" mysql -uroot --protocol=tcp -h "$BIND" -e "SELECT 1" >/dev/null 2>&1'
            environment: {ROOT_PW: "{{ root-password }}", BIND: "{{ bind-address }}"}
        - name: database and user
          exec:
            script: |
              set -eu
              # As above: the SQL goes on standard input, quoted for the sql_mode it sets.
              sql_string() { local s=${1//\\/\\\\}; s=${s//\'/\'\'}; printf "'%s'" "$s"; }
              sql_name() { printf '`%s`' "${1//\`/\`\`}"; }
              db=$(sql_name "$DB_NAME")
              user=$(sql_string "$DB_USER")
              pw=$(sql_string "$DB_PW")
              printf '%s\n' "SET SESSION sql_mode = '';" \
                "CREATE DATABASE IF NOT EXISTS $db;" \
                "CREATE USER IF NOT EXISTS $user@'%' IDENTIFIED BY $pw;" \
                "ALTER USER $user@'%' IDENTIFIED BY $pw;" \
                "GRANT ALL PRIVILEGES ON $db.* TO $user@'%';" \
                "FLUSH PRIVILEGES;" \
                | mysql -uroot
            unless: >-
              MYSQL_PWD="$DB_PW" mysql -u"$DB_USER" --protocol=tcp -h "$BIND" -D "$DB_NAME" -e "SELECT 1" >/dev/null 2>&1
            environment:
              DB_NAME: "{{ database }}"
              DB_USER: "{{ user }}"
              DB_PW: "{{ password }}"
              BIND: "{{ bind-address }}"
    handlers:
      restart-mariadb:
        - service: {name: "{{ service }}", state: restarted}

  sshd:
    params:
      permit-root-login: {default: "no"}
      allow-users: {default: "*"}
      service: {default: ssh}
    phases:
      configure:
        - line: {path: /etc/ssh/sshd_config, line: "PermitRootLogin {{ permit-root-login }}", match: "^#?PermitRootLogin[[:space:]]"}
          notify: [reload-sshd]
        - line: {path: /etc/ssh/sshd_config, line: "AllowUsers {{ allow-users }}", match: "^#?AllowUsers[[:space:]]"}
          notify: [reload-sshd]
    handlers:
      reload-sshd:
        - exec: /usr/sbin/sshd -t
        - service: {name: "{{ service }}", state: reloaded}

  timezone:
    params:
      zone: {default: Etc/UTC}
    phases:
      configure:
        - exec:
            script: 'echo "pallet: unknown time zone $ZONE" >&2; exit 1'
            unless: 'test -f "/usr/share/zoneinfo/$ZONE"'
            environment: {ZONE: "{{ zone }}"}
        - file: {path: /etc/timezone, content: "{{ zone }}\n"}
        - link: {path: /etc/localtime, target: "/usr/share/zoneinfo/{{ zone }}"}
"""#
}
