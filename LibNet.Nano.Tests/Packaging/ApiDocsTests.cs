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
        [Fact]
        public void ApiReferenceNamesEveryPublicTypeAndMember()
        {
            string doc = File.ReadAllText(RepoFiles.PathOf("docs/api/LibNet.Nano.md"));
            const string regenerate = " (regenerate: dotnet run --project eng/gen-api-docs after a build of LibNet.Nano)";
            Type[] types = typeof(NetCtrl).Assembly.GetExportedTypes();
            Assert.NotEmpty(types);
            foreach (Type t in types)
            {
                Assert.True(doc.Contains("\n## " + t.Name + "\n", StringComparison.Ordinal), "docs/api/LibNet.Nano.md lacks type " + t.Name + regenerate);
                const BindingFlags flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
                foreach (MemberInfo m in t.GetMembers(flags).Where(m => !(m is MethodInfo mi && mi.IsSpecialName) && !(m is ConstructorInfo) && !(m is Type)))
                {
                    if (t.IsEnum && m.Name == "value__")
                    {
                        continue;
                    }

                    if (typeof(Delegate).IsAssignableFrom(t))
                    {
                        continue;
                    }

                    Assert.True(doc.Contains(" " + m.Name + "(", StringComparison.Ordinal) || doc.Contains(" " + m.Name + " ", StringComparison.Ordinal) || doc.Contains(" " + m.Name + ";", StringComparison.Ordinal) || doc.Contains("`" + m.Name + "`", StringComparison.Ordinal),
                        "docs/api/LibNet.Nano.md lacks " + t.Name + "." + m.Name + regenerate);
                }
            }
        }
    }
}
