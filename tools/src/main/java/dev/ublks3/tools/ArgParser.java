package dev.ublks3.tools;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Splits one subcommand's arguments into options. Accepts {@code --name value}, {@code --name=value}, flags
 * ({@code --foreground}), short aliases ({@code -n 3}) and nbdkit-style words ({@code size=50G bucket=B}) so
 * scripts written for nbdkit's S3 plugin move over unchanged. Unknown or repeated options are usage errors.
 */
final class ArgParser {

    /** One option: its long name (without dashes), whether it takes a value, and an optional short alias. */
    record Option(String name, boolean takesValue, String shortAlias) {
        static Option value(String name) {
            return new Option(name, true, null);
        }

        static Option flag(String name) {
            return new Option(name, false, null);
        }

        Option alias(String shortAlias) {
            return new Option(name, takesValue, shortAlias);
        }
    }

    private final String command;
    private final Map<String, Option> byName = new LinkedHashMap<>();
    private final Map<String, Option> byAlias = new LinkedHashMap<>();
    /** nbdkit spellings that differ from ours (e.g. access_key). */
    private final Map<String, String> wordSynonyms;

    ArgParser(String command, List<Option> options, Map<String, String> wordSynonyms) {
        this.command = command;
        for (Option o : options) {
            byName.put(o.name(), o);
            if (o.shortAlias() != null) {
                byAlias.put(o.shortAlias(), o);
            }
        }
        this.wordSynonyms = wordSynonyms;
    }

    /** Parsed options: name -> value ("" for flags). */
    Map<String, String> parse(List<String> args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            Option option;
            String value = null;
            if (arg.startsWith("--")) {
                String body = arg.substring(2);
                int eq = body.indexOf('=');
                String name = eq < 0 ? body : body.substring(0, eq);
                option = byName.get(name);
                if (option == null) {
                    throw unknown(arg);
                }
                if (eq >= 0) {
                    if (!option.takesValue()) {
                        throw new UsageException(
                                "option --" + name + " of '" + command + "' takes no value: write just --" + name);
                    }
                    value = body.substring(eq + 1);
                }
            } else if (arg.startsWith("-") && arg.length() > 1) {
                option = byAlias.get(arg.substring(1));
                if (option == null) {
                    throw unknown(arg);
                }
            } else if (arg.indexOf('=') > 0) {
                String word = arg.substring(0, arg.indexOf('='));
                option = byName.get(wordSynonyms.getOrDefault(word, word));
                if (option == null || !option.takesValue()) {
                    throw unknown(arg);
                }
                value = arg.substring(arg.indexOf('=') + 1);
            } else {
                throw new UsageException("unexpected argument '" + arg + "' for '" + command
                        + "': options are --name value or name=value, see 'ublk-s3 " + command + " --help'");
            }
            if (option.takesValue() && value == null) {
                if (i + 1 >= args.size()) {
                    throw new UsageException("option --" + option.name() + " of '" + command
                            + "' needs a value: write --" + option.name() + " VALUE");
                }
                value = args.get(++i);
            }
            if (!option.takesValue()) {
                value = "";
            }
            if (out.putIfAbsent(option.name(), value) != null) {
                throw new UsageException(
                        "option --" + option.name() + " is given twice for '" + command + "': keep one");
            }
        }
        return out;
    }

    /** The option a word names: its long name or a word synonym (no dashes, no short alias); null if none. */
    Option find(String word) {
        return byName.get(wordSynonyms.getOrDefault(word, word));
    }

    private UsageException unknown(String arg) {
        return new UsageException("unknown option '" + arg + "' for '" + command + "': see 'ublk-s3 " + command
                + " --help' for the options");
    }

    static void requireOnlyOneOf(Map<String, String> opts, String command, Set<String> names) {
        List<String> given = names.stream().filter(opts::containsKey).sorted().toList();
        if (given.size() > 1) {
            throw new UsageException("options --" + String.join(" and --", given) + " of '" + command
                    + "' exclude each other: keep one");
        }
    }
}
