using System;
using System.Text;
using nanoFramework.TestFramework;
using NanoLibNet.Mqtt;

namespace NanoLibNet.Tests.Device.Mqtt
{
    /// <summary>
    /// Topic names, filters and matching per MQTT 3.1.1 section 4.7, and the client's own UTF-8
    /// against the platform's, on the nanoCLR: the host suite's LibNet.Nano.Mqtt.Tests/TopicTests.cs,
    /// same rows, same assertions. The byte-level match and MqttUtf8 are internal: the nano build
    /// of LibNet.Nano.Mqtt lets NFUnitTest see them (eng/package/AssemblyInfo.Mqtt.cs).
    /// </summary>
    [TestClass]
    public class TopicTests
    {
        [TestMethod]
        [DataRow("sport/tennis/player1", true)]
        [DataRow("/", true)]
        [DataRow("a//b", true)]
        [DataRow("$SYS/x", true)]
        [DataRow("caf\u00e9/\U0001F600", true)]
        [DataRow("", false)]
        [DataRow("a/+", false)]
        [DataRow("#", false)]
        // The host's row ("a\0", false) cannot be made here: U0000AndLoneSurrogatesCannotReachTheClient.
        public void Names(string topic, bool valid)
        {
            Assert.AreEqual(valid, MqttTopic.IsValidName(topic), Shown(topic));
        }

        [TestMethod]
        [DataRow("#", true)]
        [DataRow("sport/#", true)]
        [DataRow("+", true)]
        [DataRow("+/+", true)]
        [DataRow("/+", true)]
        [DataRow("sport/+/player1", true)]
        [DataRow("+/tennis/#", true)]
        [DataRow("sport/tennis#", false)]
        [DataRow("sport/tennis/#/ranking", false)]
        [DataRow("sport+", false)]
        [DataRow("sp+ort/x", false)]
        [DataRow("##", false)]
        [DataRow("", false)]
        public void Filters(string filter, bool valid)
        {
            Assert.AreEqual(valid, MqttTopic.IsValidFilter(filter), Shown(filter));
        }

        // The examples of section 4.7.1 and 4.7.2.
        [TestMethod]
        [DataRow("sport/tennis/player1/#", "sport/tennis/player1", true)]
        [DataRow("sport/tennis/player1/#", "sport/tennis/player1/ranking", true)]
        [DataRow("sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon", true)]
        [DataRow("sport/#", "sport", true)]
        [DataRow("sport/tennis/+", "sport/tennis/player1", true)]
        [DataRow("sport/tennis/+", "sport/tennis/player1/ranking", false)]
        [DataRow("sport/+", "sport", false)]
        [DataRow("sport/+", "sport/", true)]
        [DataRow("+/+", "/finance", true)]
        [DataRow("/+", "/finance", true)]
        [DataRow("+", "/finance", false)]
        [DataRow("#", "$SYS/info", false)]
        [DataRow("+/info", "$SYS/info", false)]
        [DataRow("$SYS/#", "$SYS/info", true)]
        [DataRow("a/b", "a/b", true)]
        [DataRow("a/b", "a/bc", false)]
        [DataRow("a/b", "a", false)]
        [DataRow("caf\u00e9/+", "caf\u00e9/x", true)]
        [DataRow("caf\u00e9/+", "cafe/x", false)]
        [DataRow("\U0001F600/#", "\U0001F600/a/b", true)]
        [DataRow("\U0001F600/+", "\U0001F601/x", false)]
        public void Matching(string filter, string topic, bool match)
        {
            Assert.AreEqual(match, MqttTopic.Matches(filter, topic), Shown(filter) + " against " + Shown(topic));
            byte[] b = Encoding.UTF8.GetBytes("xx" + topic);
            Assert.AreEqual(match, MqttTopic.Matches(filter, b, 2, b.Length - 2), Shown(filter) + " against the UTF-8 of " + Shown(topic));
        }

        /// <summary>
        /// What stands in for the host cases the nanoCLR cannot make: TopicTests.Names("a\0",
        /// false), and BadInputTests' Publish to "a\0b" and to "bad\uD800surrogate" throwing. A
        /// string on the nanoCLR is UTF-8 that ends at its first 0 byte: U+0000 ends the string, and
        /// a lone surrogate (which UTF-8 cannot encode) becomes U+FFFD, from a literal or from
        /// characters alike. So no such string reaches the client here; what does is a valid name,
        /// and the client takes it as one (docs/nano-notes.md). Fails when the platform changes:
        /// then the host's cases belong here again.
        /// </summary>
        [TestMethod]
        public void U0000AndLoneSurrogatesCannotReachTheClient()
        {
            string nul = "a\0b";
            Assert.AreEqual(1, nul.Length, Shown(nul));
            Assert.AreEqual("a", nul);
            string made = new string(new char[] { 'a', '\0', 'b' });
            Assert.AreEqual(1, made.Length, Shown(made));
            Assert.IsTrue(MqttTopic.IsValidName(nul), "what the platform makes of \"a\\0b\" is a valid name");

            string lone = "bad\uD800surrogate";
            Assert.AreEqual(13, lone.Length, Shown(lone));
            Assert.AreEqual(0xFFFD, (int)lone[3], Shown(lone));
            string madeLone = new string(new char[] { 'b', (char)0xD800, 's' });
            Assert.AreEqual(0xFFFD, (int)madeLone[1], Shown(madeLone));
            Assert.IsTrue(MqttTopic.IsValidName(lone), "what the platform makes of a lone surrogate is a valid name");
        }

        /// <summary>
        /// The host test Utf8AgreesWithDotNet with the platform's own encoder as the reference:
        /// here that is nanoFramework.System.Text's Encoding.UTF8 (mscorlib 1.17.11 has no
        /// char.ConvertFromUtf32 or StringBuilder: the strings are built from UTF-16 code units).
        /// </summary>
        [TestMethod]
        public void Utf8AgreesWithNanoEncoding()
        {
            Random r = new Random(11);
            byte[] buf = new byte[4 * 64 + 2];
            char[] units = new char[2 * 64];
            for (int n = 0; n < 2000; n++)
            {
                int len = 1 + r.Next(63);
                int k = 0;
                for (int i = 0; i < len; i++)
                {
                    switch (r.Next(4))
                    {
                        case 0: units[k++] = (char)(1 + r.Next(0x7F)); break;
                        case 1: units[k++] = (char)(0x80 + r.Next(0x800 - 0x80)); break;
                        case 2: units[k++] = (char)(0xE000 + r.Next(0x10000 - 0xE000)); break;
                        default:
                            int cp = r.Next(0x110000 - 0x10000); // a code point above U+FFFF, less 0x10000
                            units[k++] = (char)(0xD800 + (cp >> 10));
                            units[k++] = (char)(0xDC00 + (cp & 0x3FF));
                            break;
                    }
                }

                string s = new string(units, 0, k);
                Same(k, s.Length, n, s, "UTF-16 length");
                byte[] expected = Encoding.UTF8.GetBytes(s);
                Same(expected.Length, MqttUtf8.ByteCount(s, "s"), n, s, "byte count");
                int end = MqttUtf8.Write(s, buf, 1);
                Same(expected.Length, end - 1, n, s, "bytes written");
                for (int i = 0; i < expected.Length; i++)
                {
                    if (buf[1 + i] != expected[i])
                    {
                        Same(expected[i], buf[1 + i], n, s, "byte " + i);
                    }
                }

                Same(1, MqttUtf8.Equal(buf, 1, end - 1, s) ? 1 : 0, n, s, "Equal");
                Same(0, MqttUtf8.Equal(buf, 1, end - 1, s + "x") ? 1 : 0, n, s, "Equal with one more character");
                string back = MqttUtf8.Decode(buf, 1, end - 1);
                if (back != s)
                {
                    Assert.AreEqual(Shown(s), Shown(back), "string " + n + ": Decode");
                }
            }
        }

        /// <summary>Asserts <paramref name="expected"/> == <paramref name="actual"/>, building the message (string <paramref name="n"/>, shown) only when it fails.</summary>
        private static void Same(int expected, int actual, int n, string s, string what)
        {
            if (expected != actual)
            {
                Assert.AreEqual(expected, actual, "string " + n + " " + Shown(s) + ": " + what);
            }
        }

        /// <summary>A string as its UTF-16 code units in hex, for a failure message (the launcher prints one line).</summary>
        private static string Shown(string s)
        {
            if (s == null)
            {
                return "null";
            }

            string shown = "\"";
            for (int i = 0; i < s.Length; i++)
            {
                char c = s[i];
                shown += c > 0x20 && c < 0x7F ? c.ToString() : "\\u" + ((int)c).ToString("X4");
            }

            return shown + "\" (" + s.Length + " units)";
        }
    }
}
