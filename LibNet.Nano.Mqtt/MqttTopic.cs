using System;

namespace NanoLibNet.Mqtt
{
    /// <summary>
    /// Topic names and topic filters as MQTT 3.1.1 section 4.7 defines them: checks that throw a
    /// specific exception for what the spec forbids, and wildcard matching that allocates nothing.
    /// A topic name (what is published to) is 1 to 65535 bytes of UTF-8 without U+0000 and without
    /// the wildcards '+' and '#'. A topic filter (what is subscribed to) may hold '+' as a whole
    /// level ("a/+/c") and '#' as the whole last level ("a/#", "#").
    /// </summary>
    public static class MqttTopic
    {
        /// <summary>Throws when <paramref name="topic"/> is not a valid topic name; returns its UTF-8 length.</summary>
        /// <param name="topic">The topic name.</param>
        /// <returns>Its length in UTF-8 bytes.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="topic"/> is null.</exception>
        /// <exception cref="ArgumentException">Empty, a wildcard, U+0000, a lone surrogate, or longer than 65535 bytes.</exception>
        public static int CheckName(string topic)
        {
            return CheckName(topic, "topic");
        }

        /// <summary>Throws when <paramref name="filter"/> is not a valid topic filter; returns its UTF-8 length.</summary>
        /// <param name="filter">The topic filter.</param>
        /// <returns>Its length in UTF-8 bytes.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="filter"/> is null.</exception>
        /// <exception cref="ArgumentException">Empty, a misplaced wildcard, U+0000, a lone surrogate, or longer than 65535 bytes.</exception>
        public static int CheckFilter(string filter)
        {
            return CheckFilter(filter, "filter");
        }

        /// <summary>True when <paramref name="topic"/> is a valid topic name (never throws).</summary>
        /// <param name="topic">The topic name, or null.</param>
        /// <returns>True when valid.</returns>
        public static bool IsValidName(string topic)
        {
            if (topic == null || topic.Length == 0)
            {
                return false;
            }

            try
            {
                CheckName(topic, "topic");
                return true;
            }
            catch (ArgumentException)
            {
                return false;
            }
        }

        /// <summary>True when <paramref name="filter"/> is a valid topic filter (never throws).</summary>
        /// <param name="filter">The topic filter, or null.</param>
        /// <returns>True when valid.</returns>
        public static bool IsValidFilter(string filter)
        {
            if (filter == null || filter.Length == 0)
            {
                return false;
            }

            try
            {
                CheckFilter(filter, "filter");
                return true;
            }
            catch (ArgumentException)
            {
                return false;
            }
        }

        /// <summary>
        /// True when <paramref name="topic"/> matches <paramref name="filter"/> (section 4.7): '+'
        /// matches one whole level (an empty one too), '#' the rest ("a/#" matches "a" as well), and
        /// a filter starting with a wildcard does not match a topic starting with '$'.
        /// Both are assumed valid (check them first when they come from outside).
        /// </summary>
        /// <param name="filter">A topic filter.</param>
        /// <param name="topic">A topic name.</param>
        /// <returns>True on a match.</returns>
        /// <exception cref="ArgumentNullException">A null argument.</exception>
        public static bool Matches(string filter, string topic)
        {
            if (filter == null)
            {
                throw new ArgumentNullException("filter");
            }

            if (topic == null)
            {
                throw new ArgumentNullException("topic");
            }

            // Compare against the topic's UTF-8 form without allocating: walk it as code points.
            int fi = 0;
            int ti = 0;
            if (topic.Length > 0 && topic[0] == '$' && filter.Length > 0 && (filter[0] == '+' || filter[0] == '#'))
            {
                return false;
            }

            while (true)
            {
                if (fi == filter.Length)
                {
                    return ti == topic.Length;
                }

                char c = filter[fi];
                if (c == '#')
                {
                    return true;
                }

                if (c == '+')
                {
                    while (ti < topic.Length && topic[ti] != '/')
                    {
                        ti++;
                    }

                    fi++;
                    continue;
                }

                if (ti == topic.Length)
                {
                    return c == '/' && fi + 2 == filter.Length && filter[fi + 1] == '#';
                }

                if (topic[ti] != c)
                {
                    return false;
                }

                if (c >= 0xD800 && c <= 0xDBFF)
                {
                    // A pair: compare whole code points (the nanoCLR's indexer reads the low half
                    // of a pair as the high one again: see MqttUtf8.AfterHigh).
                    if (MqttUtf8.CodePoint(filter, ref fi) != MqttUtf8.CodePoint(topic, ref ti))
                    {
                        return false;
                    }
                }

                fi++;
                ti++;
            }
        }

        /// <summary>The same match against a topic held as UTF-8 bytes (a received message's topic).</summary>
        internal static bool Matches(string filter, byte[] b, int offset, int length)
        {
            int end = offset + length;
            int fi = 0;
            int ti = offset;
            if (length > 0 && b[offset] == '$' && filter.Length > 0 && (filter[0] == '+' || filter[0] == '#'))
            {
                return false;
            }

            while (true)
            {
                if (fi == filter.Length)
                {
                    return ti == end;
                }

                char c = filter[fi];
                if (c == '#')
                {
                    return true;
                }

                if (c == '+')
                {
                    while (ti < end && b[ti] != '/')
                    {
                        ti++;
                    }

                    fi++;
                    continue;
                }

                if (ti == end)
                {
                    return c == '/' && fi + 2 == filter.Length && filter[fi + 1] == '#';
                }

                int cp = MqttUtf8.CodePoint(filter, ref fi);
                if (!MqttUtf8.MatchCodePoint(cp, b, ref ti, end))
                {
                    return false;
                }

                fi++;
            }
        }

        internal static int CheckName(string topic, string name)
        {
            if (topic == null)
            {
                throw new ArgumentNullException(name);
            }

            if (topic.Length == 0)
            {
                throw new ArgumentException("a topic name must be at least one character long", name);
            }

            MqttUtf8.CheckLength(topic, name);

            for (int i = 0; i < topic.Length; i++)
            {
                char c = topic[i];
                if (c == '+' || c == '#')
                {
                    throw new ArgumentException("a topic name may not contain the wildcard '" + c + "' (index " + i + "): wildcards are for Subscribe filters", name);
                }
            }

            return MqttUtf8.ByteCount(topic, name);
        }

        internal static int CheckFilter(string filter, string name)
        {
            if (filter == null)
            {
                throw new ArgumentNullException(name);
            }

            int len = filter.Length;
            if (len == 0)
            {
                throw new ArgumentException("a topic filter must be at least one character long", name);
            }

            MqttUtf8.CheckLength(filter, name);

            for (int i = 0; i < len; i++)
            {
                char c = filter[i];
                if (c == '#')
                {
                    if (i != len - 1 || (i > 0 && filter[i - 1] != '/'))
                    {
                        throw new ArgumentException("'#' must be the whole last level of a filter (\"a/#\" or \"#\"), at index " + i, name);
                    }
                }
                else if (c == '+')
                {
                    if ((i > 0 && filter[i - 1] != '/') || (i < len - 1 && filter[i + 1] != '/'))
                    {
                        throw new ArgumentException("'+' must be a whole level of a filter (\"a/+/c\"), at index " + i, name);
                    }
                }
            }

            return MqttUtf8.ByteCount(filter, name);
        }
    }
}
