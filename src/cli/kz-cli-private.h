/* kz-cli-private.h: what the parts of kizuna-cli share
 *
 * kz-cli.c starts the tool, runs the main loop and writes the result with
 * its exit status; kz-cli-options.c reads the command line;
 * kz-cli-commands.c runs one command against the relations service and
 * hands its output to kz-cli-output.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "kizuna-core.h"

G_BEGIN_DECLS

/* The exit statuses --help lists */
enum {
  KZ_CLI_EXIT_OK          = 0,
  KZ_CLI_EXIT_USAGE       = 1,
  KZ_CLI_EXIT_FAILED      = 2,
  KZ_CLI_EXIT_NOT_FOUND   = 3,
  KZ_CLI_EXIT_INTERRUPTED = 130,
};

typedef enum {
  KZ_CLI_OUTPUT_TREE,
  KZ_CLI_OUTPUT_JSON,
  KZ_CLI_OUTPUT_DOT,
} KzCliOutput;

/* Options that only some commands take */
typedef enum {
  KZ_CLI_OPT_DETAILED  = 1 << 0,
  KZ_CLI_OPT_FORMAT    = 1 << 1,
  KZ_CLI_OPT_MAX_DEPTH = 1 << 2,
  KZ_CLI_OPT_MAX_NODES = 1 << 3,
  KZ_CLI_OPT_RELATIONS = 1 << 4,
  KZ_CLI_OPT_LIMIT     = 1 << 5,
} KzCliOption;

typedef enum {
  KZ_CLI_ARGS_NONE,
  KZ_CLI_ARGS_ID,
  KZ_CLI_ARGS_TEXT,
} KzCliArgs;

typedef struct _KzCli KzCli;

typedef struct {
  const char  *name;
  KzCliArgs    args;
  guint        options;          /* the KzCliOption flags it takes */
  gboolean     needs_provider;   /* cannot run with --offline */
  void       (*run) (KzCli *cli);
} KzCliCommand;

struct _KzCli
{
  /* Parsed options */
  gboolean            show_version;
  gboolean            offline;
  gboolean            json;
  gboolean            stats;
  gboolean            detailed;
  char               *data_dir;
  char               *language_name;
  char               *format_name;
  char               *max_depth_text;
  char               *max_nodes_text;
  char               *relations_text;
  char               *limit_text;

  const KzCliCommand *command;
  gint64              id;
  char               *text;
  KzTitleLanguage     language;
  KzCliOutput         format;
  KzFranchiseOptions  franchise_options;
  guint               limit;

  /* Running */
  GMainLoop          *loop;
  GCancellable       *cancellable;
  guint               sigint_id;
  gboolean            interrupted;
  gboolean            progress_shown;
  char               *store_path;
  KzStore            *store;
  KzCache            *cache;
  KzProvider         *provider;
  KzRelationsService *service;

  /* Result */
  int                 exit_status;
  GString            *text_out;
  JsonNode           *json_out;
  KzResultFlags       result_flags;
  gboolean            stale_is_failure;
  KzFranchiseGraph   *previous;
};

/* kz-cli.c: the whole program, and freeing what a KzCli holds */
int                 _kz_cli_main               (int            argc,
                                                char          *argv[]);
void                _kz_cli_clear              (KzCli         *cli);

/* kz-cli-options.c: fills in cli from argv; on bad usage returns FALSE
 * with a message for the person. With --version it checks nothing more. */
gboolean            _kz_cli_parse_command_line (KzCli         *cli,
                                                char         **argv,
                                                char         **message);

/* kz-cli-commands.c */
const KzCliCommand *_kz_cli_find_command       (const char    *name);

/* kz-cli.c: how a command ends. Each command calls one of these once. */
void                _kz_cli_complete           (KzCli         *cli,
                                                KzResultFlags  flags);
void                _kz_cli_fail               (KzCli         *cli,
                                                const GError  *error);
gboolean            _kz_cli_is_cancelled       (KzCli         *cli,
                                                const GError  *error);

G_END_DECLS
