/* fuzz-cli-args.c: kizuna-cli's command line, one argument a line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kz-cli-output.h"
#include "kz-cli-private.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* GOption prints the help and exits the process on these. */
static gboolean
asks_for_help (const char *arg)
{
  if (g_str_has_prefix (arg, "--help"))
    return TRUE;

  return arg[0] == '-' && arg[1] != '-' && strpbrk (arg, "h?") != NULL;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = g_strndup ((const char *)data, size);
  g_auto(GStrv) lines = g_strsplit (text, "\n", 32);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  g_autofree char *message = NULL;
  KzCli cli = { 0 };
  gboolean ok;

  g_strv_builder_add (builder, "kizuna-cli");
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (asks_for_help (lines[i]))
        return 0;
      g_strv_builder_add (builder, lines[i]);
    }
  argv = g_strv_builder_end (builder);

  ok = _kz_cli_parse_command_line (&cli, argv, &message);

  /* Either a command to run, or one line for the person: the message may
   * quote the argument, but what reaches the terminal is one clean line. */
  g_assert (ok == (message == NULL));
  g_assert (!ok || cli.show_version || cli.command != NULL);
  if (message != NULL)
    {
      g_autofree char *line = kz_cli_sanitize_line (message);

      g_assert (g_utf8_validate (line, -1, NULL));
      for (const char *p = line; *p; p = g_utf8_next_char (p))
        g_assert (!g_unichar_iscntrl (g_utf8_get_char (p)));
    }

  _kz_cli_clear (&cli);
  return 0;
}
