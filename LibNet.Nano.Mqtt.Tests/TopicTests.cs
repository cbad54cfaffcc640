using System;
using System.Text;
using NanoLibNet.Tests;
using Xunit;

namespace NanoLibNet.Mqtt.Tests
{
    /// <summary>Topic names, filters and matching per MQTT 3.1.1 section 4.7, and the client's own UTF-8 against .NET's.</summary>
    public class TopicTests : NetTest
    {
        [Theory]
        [InlineData("sport/tennis/player1", true)]
        [InlineData("/", true)]
        [InlineData("a//b", true)]
        [InlineData("$SYS/x", true)]
        [InlineData("caf\u00e9/\U0001F600", true)]
        [InlineData("", false)]
        [InlineData("a/+", false)]
        [InlineData("#", false)]
        [InlineData("a\0", false)]
        public void Names(string topic, bool valid)
        {
            Assert.Equal(valid, MqttTopic.IsValidName(topic));
        }

        [Theory]
        [InlineData("#", true)]
        [InlineData("sport/#", true)]
        [InlineData("+", true)]
        [InlineData("+/+", true)]
        [InlineData("/+", true)]
        [InlineData("sport/+/player1", true)]
        [InlineData("+/tennis/#", true)]
        [InlineData("sport/tennis#", false)]
        [InlineData("sport/tennis/#/ranking", false)]
        [InlineData("sport+", false)]
        [InlineData("sp+ort/x", false)]
        [InlineData("##", false)]
        [InlineData("", false)]
        public void Filters(string filter, bool valid)
        {
            Assert.Equal(valid, MqttTopic.IsValidFilter(filter));
        }

        // The examples of section 4.7.1 and 4.7.2.
        [Theory]
        [InlineData("sport/tennis/player1/#", "sport/tennis/player1", true)]
        [InlineData("sport/tennis/player1/#", "sport/tennis/player1/ranking", true)]
        [InlineData("sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon", true)]
        [InlineData("sport/#", "sport", true)]
        [InlineData("sport/tennis/+", "sport/tennis/player1", true)]
        [InlineData("sport/tennis/+", "sport/tennis/player1/ranking", false)]
        [InlineData("sport/+", "sport", false)]
        [InlineData("sport/+", "sport/", true)]
        [InlineData("+/+", "/finance", true)]
        [InlineData("/+", "/finance", true)]
        [InlineData("+", "/finance", false)]
        [InlineData("#", "$SYS/info", false)]
        [InlineData("+/info", "$SYS/info", false)]
        [InlineData("$SYS/#", "$SYS/info", true)]
        [InlineData("a/b", "a/b", true)]
        [InlineData("a/b", "a/bc", false)]
        [InlineData("a/b", "a", false)]
        [InlineData("caf\u00e9/+", "caf\u00e9/x", true)]
        [InlineData("caf\u00e9/+", "cafe/x", false)]
        [InlineData("\U0001F600/#", "\U0001F600/a/b", true)]
        [InlineData("\U0001F600/+", "\U0001F601/x", false)] // one high surrogate, two characters (the nanoCLR's indexer reads both alike)
        public void Matching(string filter, string topic, bool match)
        {
            Assert.Equal(match, MqttTopic.Matches(filter, topic));
            byte[] b = Encoding.UTF8.GetBytes("xx" + topic);
            Assert.Equal(match, MqttTopic.Matches(filter, b, 2, b.Length - 2));
        }

        [Fact]
        public void Utf8AgreesWithDotNet()
        {
            Random r = new Random(11);
            byte[] buf = new byte[4 * 64 + 2];
            for (int n = 0; n < 2000; n++)
            {
                StringBuilder sb = new StringBuilder();
                int len = r.Next(1, 64);
                for (int i = 0; i < len; i++)
                {
                    switch (r.Next(4))
                    {
                        case 0: sb.Append((char)r.Next(1, 0x80)); break;
                        case 1: sb.Append((char)r.Next(0x80, 0x800)); break;
                        case 2: sb.Append((char)r.Next(0xE000, 0x10000)); break;
                        default: sb.Append(char.ConvertFromUtf32(r.Next(0x10000, 0x110000))); break;
                    }
                }

                string s = sb.ToString();
                byte[] expected = Encoding.UTF8.GetBytes(s);
                Assert.Equal(expected.Length, MqttUtf8.ByteCount(s, "s"));
                int end = MqttUtf8.Write(s, buf, 1);
                Assert.Equal(expected, buf.AsSpan(1, end - 1).ToArray());
                Assert.True(MqttUtf8.Equal(buf, 1, end - 1, s));
                Assert.False(MqttUtf8.Equal(buf, 1, end - 1, s + "x"));
                Assert.Equal(s, MqttUtf8.Decode(buf, 1, end - 1));
            }
        }
    }
}
