/* kz-cli-options.c: kizuna-cli's command line, read and checked
 *
 * Nothing here touches the library or the network: bad usage is caught
 * before anything starts.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-cli"

#include "config.h"

#include "kz-cli-private.h"

#include <glib/gi18n.h>
#include <string.h>

#include "kz-cli-output.h"

#define SEARCH_DEFAULT_LIMIT 20
#define SEARCH_MAX_LIMIT     50

static gboolean
parse_id (const char *text,
          gint64     *id)
{
  const char *marker = "anilist.co/anime/";
  const char *start = strstr (text, marker);
  g_autofree char *digits = NULL;

  /* An AniList page address works as well as its number. */
  if (start != NULL)
    {
      start += strlen (marker);
      digits = g_strndup (start, strcspn (start, "/?#"));
    }
  else
    digits = g_strdup (text);

  return g_ascii_string_to_signed (digits, 10, 1, G_MAXINT64, id, NULL);
}

static gboolean
parse_count (const char *option,
             const char *text,
             guint       min,
             guint       max,
             guint      *value,
             char      **message)
{
  guint64 parsed = 0;

  if (!g_ascii_string_to_unsigned (text, 10, min, max, &parsed, NULL))
    {
      *message = g_strdup_printf (_("%s needs a whole number from %u to %u, not “%s”"),
                                  option, min, max, text);
      return FALSE;
    }

  *value = (guint) parsed;
  return TRUE;
}

static guint
given_options (KzCli *cli)
{
  guint given = 0;

  if (cli->detailed)
    given |= KZ_CLI_OPT_DETAILED;
  if (cli->format_name != NULL)
    given |= KZ_CLI_OPT_FORMAT;
  if (cli->max_depth_text != NULL)
    given |= KZ_CLI_OPT_MAX_DEPTH;
  if (cli->max_nodes_text != NULL)
    given |= KZ_CLI_OPT_MAX_NODES;
  if (cli->relations_text != NULL)
    given |= KZ_CLI_OPT_RELATIONS;
  if (cli->limit_text != NULL)
    given |= KZ_CLI_OPT_LIMIT;

  return given;
}

static const char *
option_name (guint option)
{
  switch (option)
    {
    case KZ_CLI_OPT_DETAILED:  return "--detailed";
    case KZ_CLI_OPT_FORMAT:    return "--format";
    case KZ_CLI_OPT_MAX_DEPTH: return "--max-depth";
    case KZ_CLI_OPT_MAX_NODES: return "--max-nodes";
    case KZ_CLI_OPT_RELATIONS: return "--relations";
    case KZ_CLI_OPT_LIMIT:     return "--limit";
    default:                   return "?";
    }
}

static char *
unexpected_argument (KzCli      *cli,
                     const char *arg)
{
  g_autofree char *clean = kz_cli_sanitize_line (arg);

  return g_strdup_printf (_("Unexpected argument “%s” for %s"), clean, cli->command->name);
}

/* The command, the options it may take and its arguments */
static gboolean
check_command (KzCli  *cli,
               char  **args,
               char  **message)
{
  guint n_args = g_strv_length (args);
  guint given;

  if (n_args < 2)
    {
      *message = g_strdup (_("No command given"));
      return FALSE;
    }

  cli->command = _kz_cli_find_command (args[1]);
  if (cli->command == NULL)
    {
      g_autofree char *clean = kz_cli_sanitize_line (args[1]);

      *message = g_strdup_printf (_("Unknown command “%s”"), clean);
      return FALSE;
    }

  given = given_options (cli) & ~cli->command->options;
  if (given != 0)
    {
      *message = g_strdup_printf (_("%s does not apply to %s"),
                                  option_name (given & -given), cli->command->name);
      return FALSE;
    }

  switch (cli->command->args)
    {
    case KZ_CLI_ARGS_NONE:
      if (n_args > 2)
        {
          *message = unexpected_argument (cli, args[2]);
          return FALSE;
        }
      break;

    case KZ_CLI_ARGS_ID:
      if (n_args < 3)
        {
          *message = g_strdup_printf (_("%s needs an AniList id"), cli->command->name);
          return FALSE;
        }
      if (n_args > 3)
        {
          *message = unexpected_argument (cli, args[3]);
          return FALSE;
        }
      if (!parse_id (args[2], &cli->id))
        {
          g_autofree char *clean = kz_cli_sanitize_line (args[2]);

          *message = g_strdup_printf (_("“%s” is not an AniList id (a positive number)"), clean);
          return FALSE;
        }
      break;

    case KZ_CLI_ARGS_TEXT:
      if (n_args >= 3)
        {
          cli->text = g_strjoinv (" ", &args[2]);
          g_strstrip (cli->text);
        }
      if (cli->text == NULL || *cli->text == '\0')
        {
          *message = g_strdup_printf (_("%s needs some text to look for"), cli->command->name);
          return FALSE;
        }
      break;

    default:
      g_assert_not_reached ();
    }

  return TRUE;
}

static gboolean
check_language (KzCli  *cli,
                char  **message)
{
  cli->language = KZ_TITLE_LANGUAGE_ROMAJI;
  if (cli->language_name == NULL)
    return TRUE;

  if (g_ascii_strcasecmp (cli->language_name, "romaji") == 0)
    cli->language = KZ_TITLE_LANGUAGE_ROMAJI;
  else if (g_ascii_strcasecmp (cli->language_name, "english") == 0)
    cli->language = KZ_TITLE_LANGUAGE_ENGLISH;
  else if (g_ascii_strcasecmp (cli->language_name, "native") == 0)
    cli->language = KZ_TITLE_LANGUAGE_NATIVE;
  else
    {
      g_autofree char *clean = kz_cli_sanitize_line (cli->language_name);

      *message = g_strdup_printf (_("Unknown language “%s” (use romaji, english or native)"), clean);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_format (KzCli  *cli,
              char  **message)
{
  cli->format = cli->json ? KZ_CLI_OUTPUT_JSON : KZ_CLI_OUTPUT_TREE;
  if (cli->format_name != NULL)
    {
      if (g_str_equal (cli->format_name, "tree"))
        cli->format = KZ_CLI_OUTPUT_TREE;
      else if (g_str_equal (cli->format_name, "json"))
        cli->format = KZ_CLI_OUTPUT_JSON;
      else if (g_str_equal (cli->format_name, "dot"))
        cli->format = KZ_CLI_OUTPUT_DOT;
      else
        {
          g_autofree char *clean = kz_cli_sanitize_line (cli->format_name);

          *message = g_strdup_printf (_("Unknown format “%s” (use tree, json or dot)"), clean);
          return FALSE;
        }

      if (cli->json && cli->format != KZ_CLI_OUTPUT_JSON)
        {
          *message = g_strdup_printf (_("--json and --format %s do not go together"), cli->format_name);
          return FALSE;
        }
    }
  /* From here on --json and --format json mean the same */
  if (cli->format == KZ_CLI_OUTPUT_JSON)
    cli->json = TRUE;

  return TRUE;
}

/* --max-depth, --max-nodes, --relations and --limit */
static gboolean
check_limits (KzCli  *cli,
              char  **message)
{
  kz_franchise_options_init_default (&cli->franchise_options);
  if (cli->max_depth_text != NULL &&
      !parse_count ("--max-depth", cli->max_depth_text, 0, 1000,
                    &cli->franchise_options.max_depth, message))
    return FALSE;
  if (cli->max_nodes_text != NULL &&
      !parse_count ("--max-nodes", cli->max_nodes_text, 0, 100000,
                    &cli->franchise_options.max_nodes, message))
    return FALSE;
  if (cli->relations_text != NULL)
    {
      g_autoptr(GError) error = NULL;
      KzRelationMask mask = kz_relation_mask_parse (cli->relations_text, &error);

      if (mask == 0)
        {
          *message = g_strdup (error != NULL ? error->message : _("No relation types given"));
          return FALSE;
        }
      cli->franchise_options.relations = mask;
    }

  cli->limit = SEARCH_DEFAULT_LIMIT;
  if (cli->limit_text != NULL &&
      !parse_count ("--limit", cli->limit_text, 1, SEARCH_MAX_LIMIT, &cli->limit, message))
    return FALSE;

  return TRUE;
}

/* Checks what the options and arguments say and fills in cli; on bad
 * usage returns FALSE with a message. */
static gboolean
check_usage (KzCli  *cli,
             char  **args,
             char  **message)
{
  if (!check_command (cli, args, message) ||
      !check_language (cli, message) ||
      !check_format (cli, message) ||
      !check_limits (cli, message))
    return FALSE;

  if (cli->offline && cli->command->needs_provider)
    {
      *message = g_strdup (_("refresh asks AniList for new data; it cannot run with --offline"));
      return FALSE;
    }

  return TRUE;
}

gboolean
_kz_cli_parse_command_line (KzCli  *cli,
                            char  **argv,
                            char  **message)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) args = NULL;
  g_autofree char *description = NULL;
  const GOptionEntry entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, &cli->show_version,
      N_("Print the version and exit"), NULL },
    { "offline", 0, 0, G_OPTION_ARG_NONE, &cli->offline,
      N_("Use the local library only; never contact AniList"), NULL },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &cli->data_dir,
      N_("Keep the library in DIR (default: $KIZUNA_DATA_DIR or the user data folder)"), N_("DIR") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli->json,
      N_("Print JSON instead of text"), NULL },
    { "stats", 0, 0, G_OPTION_ARG_NONE, &cli->stats,
      N_("Print cache, provider and service statistics afterwards"), NULL },
    { "language", 0, 0, G_OPTION_ARG_STRING, &cli->language_name,
      N_("Preferred title language: romaji, english or native"), N_("LANG") },
    { "detailed", 0, 0, G_OPTION_ARG_NONE, &cli->detailed,
      N_("relations: fetch every related title in full"), NULL },
    { "format", 0, 0, G_OPTION_ARG_STRING, &cli->format_name,
      N_("franchise: tree, json or dot (default: tree)"), N_("FORMAT") },
    { "max-depth", 0, 0, G_OPTION_ARG_STRING, &cli->max_depth_text,
      N_("franchise: follow relations at most N steps (0: no limit)"), N_("N") },
    { "max-nodes", 0, 0, G_OPTION_ARG_STRING, &cli->max_nodes_text,
      N_("franchise: stop after N titles (0: no limit)"), N_("N") },
    { "relations", 0, 0, G_OPTION_ARG_STRING, &cli->relations_text,
      N_("franchise: relation types to follow, e.g. SEQUEL,PREQUEL, or “all”"), N_("TYPE,…") },
    { "limit", 0, 0, G_OPTION_ARG_STRING, &cli->limit_text,
      N_("search: show at most N titles (default: 20)"), N_("N") },
    { NULL }
  };

  context = g_option_context_new (_("COMMAND [ARGS] — anime franchises from AniList"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  description = g_strjoin ("\n",
                           _("Commands:"),
                           _("  search TEXT       Titles matching TEXT"),
                           _("  show ID           One title in full"),
                           _("  relations ID      Its direct relations (--detailed: in full)"),
                           _("  franchise ID      The whole franchise as a tree, JSON or dot graph"),
                           _("  refresh ID        Fetch the title and its franchise again from AniList"),
                           _("  library           What the local library holds"),
                           "",
                           _("ID is an AniList id, such as 5114, or its anilist.co page address."),
                           _("Exit status: 0 done, 1 bad usage, 2 failed, 3 no such anime, 130 interrupted."),
                           NULL);
  g_option_context_set_description (context, description);

  args = g_strdupv (argv);
  if (!g_option_context_parse_strv (context, &args, &error))
    {
      *message = g_strdup (error->message);
      return FALSE;
    }

  if (cli->show_version)
    return TRUE;

  return check_usage (cli, args, message);
}
