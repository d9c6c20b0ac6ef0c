"""What to call a client: the name they chose, or a short name read from their full name.

The short name is how the bot and the agency address a client and how other clients see them named in a
suggestion: never a family name on its own. Names are read in the order their script uses:

- **Chinese characters** are family name first. The family name is the first character, or the first two
  when they are one of the two-character surnames (诸葛, 欧阳, 司马, 上官…). A space the client typed marks the
  split itself ("诸葛 青云"). The short name is the given name when it has two characters or more (诸葛青云 →
  青云, 王小明 → 小明); a one-character given name is not used alone, so the whole name is (李伟 → 李伟),
  which is how such names are said.
- **Hangul** is read the same way (김민수 → 민수), with the Korean two-syllable surnames (남궁, 황보, 제갈…).
- **Japanese kana** in a name: it cannot be split reliably, so the whole name.
- **A name with a middle dot** (阿依古丽·买买提, 玛丽·居里: transliterated names, given name first): the part
  before the first dot.
- **Latin letters** are ambiguous: a Chinese client may write "Zhuge Qingyun" (family first, as in Chinese) or
  "Qingyun Zhuge" (given first, as in English). The rule: when the first word is a Chinese family name in pinyin
  (one or two syllables: Li, Zhuge, Ouyang…) and every other word is pinyin, the name is read in Chinese order
  and treated like the characters above: the given name when it has two syllables or more (Zhuge Qingyun →
  Qingyun, Wang Xiaoming → Xiaoming), else the whole name (Li Wei → Li Wei: "Wei" alone would be as odd as 伟,
  and "Li" would be the family name). Otherwise the name is read in English order and the first word is the
  short name (Anna Zhang → Anna, Qingyun Zhuge → Qingyun, Mary Li → Mary). Other romanisations (Cantonese
  "Chan Tai Man") read in English order; the client can always say what they like to be called.
- **Latin and Chinese together** ("Amy 王芳"): the Latin word, an English name the client uses.

`short_name(full, preferred)` is the one function every view asks; `suggested_short_name(full)` is the default
the intake offers.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# Two-character Chinese surnames (复姓), simplified and traditional; Korean ones; Chinese surnames in pinyin
# (the common single-syllable ones and the compound ones); every syllable of pinyin, without tones.
_COMPOUND_SURNAMES = """
诸葛 欧阳 司马 上官 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 钟离 端木 独孤 南宫
西门 百里 呼延 万俟 澹台 公冶 太史 申屠 闻人 赫连 拓跋 司空 濮阳 淳于 单于 仲孙 东郭 諸葛 歐陽
司馬 東方 長孫 軒轅 鍾離 獨孤 南宮 濮陽 公羊 谷梁 宗政 漆雕 乐正 壤驷 巫马 左丘 第五 梁丘
"""
_KOREAN_COMPOUND_SURNAMES = "남궁 황보 제갈 선우 독고 사공 서문 동방"
_PINYIN_SURNAMES = """
wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao lin luo zheng liang xie song tang han
feng deng cao peng zeng xiao tian dong pan yuan cai jiang yu du ye cheng wei su lu ding ren shen yao cui zhong
tan fan jin shi liao jia xia fu fang zou xiong bai meng qin qiu hou yin xue yan duan lei long shao qian mao
chang wan gu lai kong kang wen hao yi dai qi niu ou mo geng guan hong mu ning pang qiao rao sheng tao xing zhan
zhen bao bi bian chai che chu di du e ge gong hua ji jiao ke kou kuang lan lang leng lian ling lou ni nie pei pu
que rong ruan sang sha shan shang shu si tong tu weng wo xi xiang xin you yue zang zhai zhuang zi zuo lv zhuge
ouyang sima shangguan dongfang huangfu yuchi gongsun murong zhangsun yuwen situ xiahou xuanyuan linghu zhongli
duanmu dugu nangong ximen baili huyan moqi tantai gongye taishi shentu wenren helian tuoba sikong puyang chunyu
chanyu zhongsun dongguo
"""
_SYLLABLES = """
a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can cang cao ce cen ceng
cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan chuang chui chun chuo ci cong cou cu
cuan cui cun cuo da dai dan dang dao de dei den deng di dia dian diao die ding diu dong dou du duan dui dun duo
e ei en eng er fa fan fang fei fen feng fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan
guang gui gun guo ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo ji jia jian
jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke kei ken keng kong kou ku kua kuai kuan
kuang kui kun kuo la lai lan lang lao le lei leng li lia lian liang liao lie lin ling liu lo long lou lu luan
lun luo lv lve ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu na nai nan nang nao
ne nei nen neng ni nian niang niao nie nin ning niu nong nou nu nuan nuo nv nve o ou pa pai pan pang pao pei pen
peng pi pian piao pie pin ping po pou pu qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun ran rang
rao re ren reng ri rong rou ru rua ruan rui run ruo sa sai san sang sao se sen seng sha shai shan shang shao she
shei shen sheng shi shou shu shua shuai shuan shuang shui shun shuo si song sou su suan sui sun suo ta tai tan
tang tao te teng ti tian tiao tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wu xi xia
xian xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi yin ying yo yong you yu yuan yue
yun za zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua
zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo
"""
COMPOUND_SURNAMES = frozenset(_COMPOUND_SURNAMES.split())
KOREAN_COMPOUND_SURNAMES = frozenset(_KOREAN_COMPOUND_SURNAMES.split())
PINYIN_SURNAMES = frozenset(_PINYIN_SURNAMES.split())
_PINYIN_SYLLABLES = frozenset(_SYLLABLES.split())
_LONGEST_SYLLABLE = max(len(syllable) for syllable in _PINYIN_SYLLABLES)
_MIDDLE_DOTS = "·•・‧"
_SYLLABLE_MARKS = re.compile(r"['’\-]")


def short_name(full_name: str | None, preferred_name: str | None = None) -> str | None:
    """What to call the client: the name they chose, else the short name read from their full name."""
    preferred = " ".join((preferred_name or "").split())
    return preferred or suggested_short_name(full_name)


def suggested_short_name(full_name: str | None) -> str | None:
    """The short name read from a full name (see the module for the rule); None when there is no name."""
    name = " ".join((full_name or "").split())
    if not name:
        return None
    for dot in _MIDDLE_DOTS:
        if dot in name:
            first = name.split(dot, 1)[0].strip()
            return first or name
    words = name.split(" ")
    latin = [word for word in words if _script(word) == "latin"]
    if latin and len(latin) < len(words):
        return latin[0]  # an English name beside the Chinese one
    script = _script(name.replace(" ", ""))
    if script == "han":
        return _given_or_whole(words, COMPOUND_SURNAMES)
    if script == "hangul":
        return _given_or_whole(words, KOREAN_COMPOUND_SURNAMES)
    if script == "latin" and len(words) > 1:
        return _latin(words)
    if script == "latin":
        return name
    return name if script == "kana" else words[0]


def _given_or_whole(words: list[str], compounds: frozenset[str]) -> str:
    """Family name first, in characters: the given name of two characters or more, else the whole name."""
    whole = "".join(words)
    if len(words) > 1:
        given = "".join(words[1:])
    elif whole[:2] in compounds and len(whole) > 2:
        given = whole[2:]
    else:
        given = whole[1:]
    return given if len(given) >= 2 else whole


def _latin(words: list[str]) -> str:
    """Several words in Latin letters: Chinese order when they read as a pinyin surname and pinyin, else the
    first word."""
    first, rest = words[0], words[1:]
    if _fold(first) in PINYIN_SURNAMES and all(syllable_count(word) for word in rest):
        syllables = sum(syllable_count(word) for word in rest)
        return " ".join(rest) if syllables >= 2 else " ".join(words)
    return first


def syllable_count(word: str) -> int:
    """How many pinyin syllables `word` is made of, at the fewest (0: it is not pinyin)."""
    parts = [part for part in _SYLLABLE_MARKS.split(_fold(word)) if part]
    if not parts:
        return 0
    counts = [_syllables(part) for part in parts]
    return 0 if 0 in counts else sum(counts)


@cache
def _syllables(letters: str) -> int:
    if not letters:
        return 0
    best = 0
    for length in range(1, min(_LONGEST_SYLLABLE, len(letters)) + 1):
        head, tail = letters[:length], letters[length:]
        if head not in _PINYIN_SYLLABLES:
            continue
        rest = _syllables(tail) if tail else 0
        if tail and rest == 0:
            continue
        if best == 0 or 1 + rest < best:
            best = 1 + rest
    return best


def _fold(word: str) -> str:
    """Lower case without tone marks, ü written v as pinyin input does (lǘ → lv)."""
    decomposed = unicodedata.normalize("NFD", word.casefold()).replace("u\u0308", "v")
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _script(text: str) -> str:
    """The script of the letters in `text`: han, hangul, kana, latin, or other (mixed or anything else)."""
    found: set[str] = set()
    for char in text:
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        if name.startswith("CJK UNIFIED IDEOGRAPH") or name.startswith("CJK COMPATIBILITY IDEOGRAPH"):
            found.add("han")
        elif name.startswith("HANGUL"):
            found.add("hangul")
        elif name.startswith("HIRAGANA") or name.startswith("KATAKANA"):
            found.add("kana")
        elif name.startswith("LATIN"):
            found.add("latin")
        else:
            found.add("other")
    if "kana" in found and found <= {"kana", "han"}:
        return "kana"
    return found.pop() if len(found) == 1 else "other"
