using System;
using System.IO;
using System.Linq;
using System.Reflection;
using Xunit;

namespace NanoLibNet.Tests.Packaging
{
    /// <summary>docs/api/LibNet.Nano.md is generated (eng/gen-api-docs); this catches it going stale.</summary>
    public class ApiDocsTests : NetTest
    {
        private const string Regenerate = " (regenerate: dotnet run --project eng/gen-api-docs after a build of LibNet.Nano)";
        private const BindingFlags Declared = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

        /// <summary>
        /// Every public type has its own section (<c>## Name</c>), and inside it every public
        /// member its own heading (<c>### `signature`</c>; each overload and constructor one;
        /// an enum value its row): a member named only elsewhere in the page does not count.
        /// </summary>
        [Fact]
        public void ApiReferenceDocumentsEveryPublicMemberInItsTypesSection()
        {
            string doc = File.ReadAllText(RepoFiles.PathOf("docs/api/LibNet.Nano.md")).Replace("\r\n", "\n");
            Type[] types = typeof(NetCtrl).Assembly.GetExportedTypes();
            Assert.NotEmpty(types);
            int checkedMembers = 0;
            foreach (Type t in types)
            {
                string section = Section(doc, t.Name);
                if (typeof(Delegate).IsAssignableFrom(t))
                {
                    continue;
                }

                if (t.IsEnum)
                {
                    foreach (string value in Enum.GetNames(t))
                    {
                        Assert.True(section.Contains("\n| `" + value + "` = ", StringComparison.Ordinal), "docs/api/LibNet.Nano.md: section " + t.Name + " lacks value " + value + Regenerate);
                        checkedMembers++;
                    }

                    continue;
                }

                string[] headings = section.Split('\n').Where(l => l.StartsWith("### `", StringComparison.Ordinal)).ToArray();
                int constructors = t.GetConstructors().Length;
                Assert.True(constructors == headings.Count(h => Calls(h, t.Name)), "docs/api/LibNet.Nano.md: section " + t.Name + " should have " + constructors + " constructor heading(s)" + Regenerate);
                foreach (MethodInfo m in t.GetMethods(Declared).Where(m => !m.IsSpecialName).GroupBy(m => m.Name).Select(g => g.First()))
                {
                    int overloads = t.GetMethods(Declared).Count(o => o.Name == m.Name && !o.IsSpecialName);
                    int found = headings.Count(h => Calls(h, m.Name));
                    Assert.True(overloads == found, "docs/api/LibNet.Nano.md: section " + t.Name + " has " + found + " heading(s) for " + m.Name + "(...), the type " + overloads + " overload(s)" + Regenerate);
                    checkedMembers += overloads;
                }

                foreach (PropertyInfo p in t.GetProperties(Declared))
                {
                    Assert.True(headings.Count(h => h.Contains(" " + p.Name + " { ", StringComparison.Ordinal)) == 1, "docs/api/LibNet.Nano.md: section " + t.Name + " lacks property " + p.Name + Regenerate);
                    checkedMembers++;
                }

                foreach (FieldInfo f in t.GetFields(Declared))
                {
                    Assert.True(headings.Count(h => h.Contains(" " + f.Name + " = ", StringComparison.Ordinal) || h.EndsWith(" " + f.Name + ";`", StringComparison.Ordinal)) == 1, "docs/api/LibNet.Nano.md: section " + t.Name + " lacks field " + f.Name + Regenerate);
                    checkedMembers++;
                }

                foreach (EventInfo e in t.GetEvents(Declared))
                {
                    Assert.True(headings.Count(h => h.EndsWith(" " + e.Name + ";`", StringComparison.Ordinal)) == 1, "docs/api/LibNet.Nano.md: section " + t.Name + " lacks event " + e.Name + Regenerate);
                    checkedMembers++;
                }
            }

            // A check that found nothing to check would pass whatever the page says.
            Assert.True(checkedMembers > 100, "only " + checkedMembers + " members checked");
        }

        /// <summary>The type's own section: from its <c>## Name</c> heading to the next type's.</summary>
        private static string Section(string doc, string type)
        {
            string head = "\n## " + type + "\n";
            int start = doc.IndexOf(head, StringComparison.Ordinal);
            Assert.True(start >= 0, "docs/api/LibNet.Nano.md lacks type " + type + Regenerate);
            Assert.True(doc.IndexOf(head, start + 1, StringComparison.Ordinal) < 0, "docs/api/LibNet.Nano.md has two sections for " + type);
            int end = doc.IndexOf("\n## ", start + head.Length, StringComparison.Ordinal);
            return end < 0 ? doc.Substring(start) : doc.Substring(start, end - start);
        }

        /// <summary>True when the heading's signature is a call of <paramref name="name"/>: its first parenthesis follows that name.</summary>
        private static bool Calls(string heading, string name)
        {
            int paren = heading.IndexOf('(');
            return paren > name.Length && heading.Substring(0, paren).EndsWith(" " + name, StringComparison.Ordinal);
        }
    }
}
