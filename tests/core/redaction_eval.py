"""The labelled evaluation set of review screening (``caretime.core.redaction``), and its scoring.

Each case is a sentence as a patient might write it in a review of a therapy clinic, the
clinic's roster and name, what must be found in it (a kind and the exact substring; the same
substring listed twice means its first and second occurrences), and what must stay (clinic
names that look like person names, ordinary words that are also names).

Scoring (``evaluate``):

* An expected span is *covered* when every letter and digit of it lies inside found spans of a
  compatible kind. Recall of a kind is covered / expected.
* A found span is *correct* when it overlaps an expected span of a compatible kind. Precision
  is correct / found, over the whole set.
* Compatible kinds: the three name kinds (roster, titled, other) with one another, since each
  replaces a person's name and the kind only picks the wording; phone and record numbers with
  each other (both are digits removed); an e-mail address with an e-mail address.
* A kept substring is kept when no found span overlaps it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from caretime.core.redaction import NAME_KINDS, Kind, RosterPerson, Screened, screen

R = Kind.ROSTER_NAME
T = Kind.TITLED_NAME
O = Kind.OTHER_NAME  # noqa: E741
P = Kind.PHONE
E = Kind.EMAIL
N = Kind.RECORD_NUMBER

LAKESIDE = (
    RosterPerson("Jane", "Doe", "DPT"),
    RosterPerson("Marcus", "Whitfield", "PT"),
    RosterPerson("Priya", "Raman", "OTR/L"),
    RosterPerson("Grace", "Okafor", "PTA"),
    RosterPerson("Tom", "Brennan", "COTA"),
    RosterPerson("Jennifer", "Alvarez", "CCC-SLP"),
)
JOHNSON = (
    RosterPerson("Emily", "Johnson", "DPT"),
    RosterPerson("William", "Castillo", "PTA"),
    RosterPerson("Mark", "Fenwick", "PT"),
    RosterPerson("Hope", "Delgado", "CCC-SLP"),
    RosterPerson("Rosa", "Nguyen", "OTR/L"),
)
KELLY = (
    RosterPerson("Ryan", "Kelly", "DPT"),
    RosterPerson("Sue", "Park", "PTA"),
    RosterPerson("Jack", "Moreno", "PT"),
    RosterPerson("Lauren", "Fitzgerald-Hayes", "OTR/L"),
    RosterPerson("Bill", "Ostrowski", "ATC"),
)
MARTIN = (
    RosterPerson("Frank", "Martin", "PT"),
    RosterPerson("Joy", "Adeyemi", "DPT"),
    RosterPerson("Art", "Lindqvist", "PTA"),
    RosterPerson("Katherine", "Sullivan", "OTR/L"),
    RosterPerson("Daniel", "Ruiz", "SLPA"),
)
LEE = (
    RosterPerson("Daniel", "Lee", "DPT"),
    RosterPerson("Amanda", "Chen", "PT"),
    RosterPerson("Rose", "Whitaker", "PTA"),
    RosterPerson("Siobhan", "O'Connell", "CCC-SLP"),
    RosterPerson("José", "Hernández", "PT"),
)
CLINICS = {
    "lakeside": ("Lakeside Physical Therapy", LAKESIDE),
    "johnson": ("Johnson Physical Therapy", JOHNSON),
    "kelly": ("Kelly Sports PT", KELLY),
    "martin": ("Martin Rehab", MARTIN),
    "lee": ("Dr. Lee's Rehab Center", LEE),
    "none": ("Riverside Outpatient Rehabilitation", ()),
}


@dataclass(frozen=True)
class Case:
    topic: str  # roster, other, titled, contact, record, clinic, clean
    text: str
    clinic: str
    expected: tuple[tuple[Kind, str], ...] = ()
    keep: tuple[str, ...] = ()

    @property
    def clinic_name(self) -> str:
        return CLINICS[self.clinic][0]

    @property
    def roster(self) -> tuple[RosterPerson, ...]:
        return CLINICS[self.clinic][1]


CASES: list[Case] = []


def add(topic: str, clinic: str, text: str, *expected: tuple[Kind, str], keep: Sequence[str] = ()) -> None:
    CASES.append(Case(topic, text, clinic, tuple(expected), tuple(keep)))


# --- roster names in every form -----------------------------------------------------------

add("roster", "lakeside", "Jane Doe is the best therapist I have ever had.", (R, "Jane Doe"))
add("roster", "lakeside", "Jane was patient with me even when I was grumpy after surgery.", (R, "Jane"))
add("roster", "lakeside", "I asked for Doe every time because she actually listens.", (R, "Doe"))
add("roster", "lakeside", "Dr. Doe spent the full hour with me, no aides handing me off.", (R, "Dr. Doe"))
add("roster", "lakeside", "Dr Doe explained my MRI in plain words.", (R, "Dr Doe"))
add("roster", "lakeside", "Jane Doe, DPT, set up a home program that actually fit my life.", (R, "Jane Doe"))
add("roster", "lakeside", "Saw Doe PT twice a week for my knee.", (R, "Doe PT"))
add("roster", "lakeside", "Jane's exercises were hard but they worked.", (R, "Jane"))
add("roster", "lakeside", "JANE DOE IS AMAZING!!! My shoulder is back to normal.", (R, "JANE DOE"))
add("roster", "lakeside", "jane doe was my pt and she was great", (R, "jane doe"))
add("roster", "lakeside", "I worked with Jane  Doe for six weeks after my ACL repair.", (R, "Jane  Doe"))
add("roster", "lakeside", "Ask for Jane D. if you can get her.", (R, "Jane D."))
add("roster", "lakeside", "Marcus Whitfield pushed me just enough without hurting me.", (R, "Marcus Whitfield"))
add("roster", "lakeside", "Whitfield is blunt but he knows backs.", (R, "Whitfield"))
add("roster", "lakeside", "Marcus always remembered what we did the visit before.", (R, "Marcus"))
add(
    "roster",
    "lakeside",
    "My first eval was with Marcus Whitfield, PT, and every visit after that too.",
    (R, "Marcus Whitfield"),
)
add("roster", "lakeside", "Mr. Whitfield was rushed on my last visit, which was disappointing.", (R, "Mr. Whitfield"))
add("roster", "lakeside", "Priya helped me get back to buttoning my shirts after the stroke.", (R, "Priya"))
add("roster", "lakeside", "Priya Raman, OTR/L, is a gem for hand therapy.", (R, "Priya Raman"))
add("roster", "lakeside", "Raman's splint fixed my wrist pain in a week.", (R, "Raman"))
add("roster", "lakeside", "Grace was my PTA and she never rushed me.", (R, "Grace"))
add("roster", "lakeside", "Most visits I only saw Grace Okafor, the assistant, not the therapist.", (R, "Grace Okafor"))
add("roster", "lakeside", "Okafor PTA ran most of my sessions.", (R, "Okafor PTA"))
add("roster", "lakeside", "Tom was my OT assistant and he was kind.", (R, "Tom"))
add("roster", "lakeside", "tom brennan cota helped my dad relearn the stairs", (R, "tom brennan"))
add("roster", "lakeside", "Jennifer got my son talking in full sentences.", (R, "Jennifer"))
add("roster", "lakeside", "Jenny Alvarez is the speech therapist you want for a toddler.", (R, "Jenny Alvarez"))
add("roster", "lakeside", "Ms. Alvarez was always on time for our speech sessions.", (R, "Ms. Alvarez"))
add("roster", "lakeside", "Jen's homework sheets for my daughter were really clear.", (R, "Jen"))
add(
    "roster",
    "lakeside",
    "Between Jane and Marcus I always had a real therapist in the room.",
    (R, "Jane"),
    (R, "Marcus"),
)
add("roster", "johnson", "Dr. Johnson is the only reason I can walk my dog again.", (R, "Dr. Johnson"))
add("roster", "johnson", "Emily Johnson, DPT, spent the whole session with me.", (R, "Emily Johnson"))
add("roster", "johnson", "Emily always had a plan for the day.", (R, "Emily"))
add("roster", "johnson", "Will was my assistant most days and he was great.", (R, "Will"))
add("roster", "johnson", "I had Will Castillo for most of my visits.", (R, "Will Castillo"))
add("roster", "johnson", "Castillo PTA was sweet but clearly had three patients at once.", (R, "Castillo PTA"))
add("roster", "johnson", "William Castillo is patient and funny.", (R, "William Castillo"))
add("roster", "johnson", "Mark was my PT and he actually explained the why behind every exercise.", (R, "Mark"))
add("roster", "johnson", "My physical therapist Mark Fenwick fixed my posture.", (R, "Mark Fenwick"))
add("roster", "johnson", "Fenwick's dry needling helped more than the shots did.", (R, "Fenwick"))
add("roster", "johnson", "Hope was our speech therapist and my son adores her.", (R, "Hope"))
add("roster", "johnson", "Hope Delgado, CCC-SLP, helped my mom swallow safely again.", (R, "Hope Delgado"))
add("roster", "johnson", "Ms. Delgado's swallow study follow-up was thorough.", (R, "Ms. Delgado"))
add("roster", "johnson", "Rosa made me custom splints the same day.", (R, "Rosa"))
add("roster", "johnson", "rosa nguyen is the best OT in town", (R, "rosa nguyen"))
add("roster", "kelly", "Ryan Kelly had me back on the field in eight weeks.", (R, "Ryan Kelly"))
add("roster", "kelly", "Ryan was honest that rehab would take time.", (R, "Ryan"))
add("roster", "kelly", "Dr. Kelly is a runner himself and it shows.", (R, "Dr. Kelly"))
add("roster", "kelly", "Sue was my PTA and she kept an eye on my form.", (R, "Sue"))
add("roster", "kelly", "I mostly worked with Sue Park, PTA, who was attentive.", (R, "Sue Park"))
add("roster", "kelly", "Jack Moreno treated my ankle sprain.", (R, "Jack Moreno"))
add("roster", "kelly", "Jack explained every exercise twice without sighing.", (R, "Jack"))
add("roster", "kelly", "Moreno's taping job held up through a whole tournament.", (R, "Moreno"))
add(
    "roster", "kelly", "Lauren Fitzgerald-Hayes did my hand therapy after the fracture.", (R, "Lauren Fitzgerald-Hayes")
)
add("roster", "kelly", "Fitzgerald-Hayes is thorough and kind.", (R, "Fitzgerald-Hayes"))
add("roster", "kelly", "Bill was the athletic trainer and ran the warm-ups.", (R, "Bill"))
add("roster", "kelly", "I did my return-to-sport testing with Bill Ostrowski.", (R, "Bill Ostrowski"))
add("roster", "martin", "Frank Martin is a straight shooter and a great PT.", (R, "Frank Martin"))
add("roster", "martin", "Frank was honest that my shoulder would take months.", (R, "Frank"))
add("roster", "martin", "Joy treated my vertigo and it was gone in three visits.", (R, "Joy"))
add("roster", "martin", "Dr. Adeyemi is thorough and never rushed.", (R, "Dr. Adeyemi"))
add("roster", "martin", "Joy Adeyemi DPT is the reason I recommend this place.", (R, "Joy Adeyemi"))
add("roster", "martin", "Art was the assistant and he counted every rep with me.", (R, "Art"))
add("roster", "martin", "Lindqvist's stretches fixed my hip.", (R, "Lindqvist"))
add("roster", "martin", "Katherine Sullivan helped me get back to cooking.", (R, "Katherine Sullivan"))
add("roster", "martin", "Kate was my OT and she was wonderful.", (R, "Kate"))
add("roster", "martin", "Katie Sullivan is an excellent occupational therapist.", (R, "Katie Sullivan"))
add("roster", "martin", "Daniel Ruiz ran my son's speech drills.", (R, "Daniel Ruiz"))
add("roster", "martin", "Danny was so good with my shy kid.", (R, "Danny"))
add("roster", "lee", "Dr. Lee himself saw me every visit, which is rare.", (R, "Dr. Lee"))
add("roster", "lee", "Daniel Lee, DPT, is meticulous.", (R, "Daniel Lee"))
add("roster", "lee", "Amanda was upbeat even at 7 am.", (R, "Amanda"))
add("roster", "lee", "Amanda Chen PT got me through a frozen shoulder.", (R, "Amanda Chen"))
add("roster", "lee", "Chen's manual therapy is the real deal.", (R, "Chen"))
add("roster", "lee", "Rose was the assistant for most of my visits.", (R, "Rose"))
add("roster", "lee", "I saw Rose Whitaker more than any therapist.", (R, "Rose Whitaker"))
add("roster", "lee", "Siobhan O'Connell helped my husband find his words again.", (R, "Siobhan O'Connell"))
add("roster", "lee", "Siobhan's patience with aphasia is incredible.", (R, "Siobhan"))
add("roster", "lee", "O'Connell was always prepared.", (R, "O'Connell"))
add("roster", "lee", "José Hernández is great with older patients.", (R, "José Hernández"))
add("roster", "lee", "Jose explained everything in Spanish for my mother.", (R, "Jose"))
add("roster", "lee", "Hernandez PT treated my back.", (R, "Hernandez PT"))
add("roster", "lee", "I loved working with my therapist Amanda.", (R, "Amanda"))
add("roster", "lee", "The PT, Amanda Chen, took time to answer every question.", (R, "Amanda Chen"))
add("roster", "johnson", "Thanks to Mark and Hope for all the help this year!", (R, "Mark"), (R, "Hope"))
add("roster", "kelly", "Dr. Ryan Kelly and Sue Park make a great team.", (R, "Dr. Ryan Kelly"), (R, "Sue Park"))
add("roster", "martin", "Give Joy a raise, she earned it.", (R, "Joy"))
add("roster", "lakeside", "Therapist Jane is the best in the building.", (R, "Therapist Jane"))
add("roster", "lakeside", "JANE'S plan got me off the cane in a month.", (R, "JANE"))
add("roster", "lakeside", "Marcus's back program changed my life.", (R, "Marcus"))

# --- other personal names -----------------------------------------------------------------

add("other", "lakeside", "My therapist Kayla was great but she left in March.", (O, "Kayla"))
add("other", "lakeside", "The front desk lady, Brenda, was rude every single time.", (O, "Brenda"))
add("other", "lakeside", "An aide named Bo did most of my exercises with me.", (O, "Bo"))
add("other", "lakeside", "Brittany at the front desk always fixed my schedule.", (O, "Brittany"))
add("other", "lakeside", "Kayla was great but I mostly saw a tech.", (O, "Kayla"))
add("other", "johnson", "Receptionist Maria never called me back about the referral.", (O, "Maria"))
add("other", "johnson", "Our receptionist, Tasha, is a saint.", (O, "Tasha"))
add("other", "johnson", "Tina, the PTA, was attentive and kind.", (O, "Tina"))
add("other", "johnson", "I was seen by a student named Xiomara who did fine.", (O, "Xiomara"))
add("other", "johnson", "My PT Keisha moved to another location, sadly.", (O, "Keisha"))
add("other", "kelly", "The aide, Dylan, was on his phone the whole time.", (O, "Dylan"))
add("other", "kelly", "Courtney in billing sorted out my insurance mess.", (O, "Courtney"))
add("other", "kelly", "My husband Greg drove me to every visit and they let him watch.", (O, "Greg"))
add("other", "kelly", "Shoutout to Tyler, the tech who set up my ice every time.", (O, "Tyler"))
add("other", "martin", "Brandon was my PT before he left and I miss him.", (O, "Brandon"))
add("other", "martin", "The office manager Deb was rude to my mom.", (O, "Deb"))
add("other", "martin", "I had an intern named Oluwaseun and he was sharp.", (O, "Oluwaseun"))
add("other", "martin", "Heather Lopez was my therapist at another clinic and she was better.", (O, "Heather Lopez"))
add("other", "martin", "The speech therapist, Priyanka, was amazing with my daughter.", (O, "Priyanka"))
add("other", "lee", "Melissa at the front desk is the best.", (O, "Melissa"))
add("other", "lee", "Nicole was my PT and then I got switched to an aide.", (O, "Nicole"))
add("other", "lee", "The PTA Crystal was lovely.", (O, "Crystal"))
add("other", "lee", "My OT Grace was lovely and patient.", (O, "Grace"))
add("other", "none", "Our therapist Will was terrific with my dad.", (O, "Will"))
add("other", "none", "Stephanie is the best PT I've had in three clinics.", (O, "Stephanie"))
add("other", "none", "Kevin and Brianna run the gym floor and they are fun.", (O, "Kevin"), (O, "Brianna"))
add("other", "none", "Ask for Ahmed, he is the best manual therapist there.", (O, "Ahmed"))
add("other", "none", "A tech called Rusty set up my stim.", (O, "Rusty"))
add("other", "none", "My daughter Emma loved her speech sessions.", (O, "Emma"))
add("other", "none", "Karen Mitchell, PTA, was the only one who listened.", (O, "Karen Mitchell"))
add("other", "none", "The owner, Sandeep, called me personally to apologise.", (O, "Sandeep"))

# --- titled names -------------------------------------------------------------------------

add("titled", "lakeside", "Dr. Patel referred me here and I am glad he did.", (T, "Dr. Patel"))
add("titled", "lakeside", "Mr. Lee at the desk was confused about my insurance.", (T, "Mr. Lee"))
add("titled", "lakeside", "Nurse Kim checked my blood pressure before every session.", (T, "Nurse Kim"))
add("titled", "johnson", "Dr. Nakamura, my surgeon, recommended this place.", (T, "Dr. Nakamura"))
add("titled", "johnson", "Mrs. Abernathy runs the office like clockwork.", (T, "Mrs. Abernathy"))
add("titled", "johnson", "Therapist Dana was calm and clear.", (T, "Therapist Dana"))
add("titled", "kelly", "Coach Dave from my son's team sent us here.", (T, "Coach Dave"))
add("titled", "kelly", "dr. morrison was kind but always ran late", (T, "dr. morrison"))
add("titled", "kelly", "Ms. Grant handled the billing mix-up quickly.", (T, "Ms. Grant"))
add("titled", "martin", "I saw Dr. Okonkwo-Bell for my evaluation.", (T, "Dr. Okonkwo-Bell"))
add("titled", "martin", "Miss Tanya at the front desk knows everyone by name.", (T, "Miss Tanya"))
add("titled", "lee", "Dr. Amy Friedman did my initial evaluation.", (T, "Dr. Amy Friedman"))
add("titled", "lee", "Mr. Grayson's billing explanation made no sense.", (T, "Mr. Grayson"))
add("titled", "none", "Doctor Reyes was excellent but hard to book.", (T, "Doctor Reyes"))
add("titled", "none", "Ms. Hope answered every question about my claim.", (T, "Ms. Hope"))
add("titled", "none", "Dr. Will Foster spent a full hour with me.", (T, "Dr. Will Foster"))

# --- phone numbers and e-mail addresses ---------------------------------------------------

add("contact", "lakeside", "Call them at (312) 555-0199 and ask for the billing office.", (P, "(312) 555-0199"))
add("contact", "lakeside", "Their number is 312-555-0199 but nobody picks up.", (P, "312-555-0199"))
add("contact", "lakeside", "I left three voicemails at 312.555.0199 before anyone called back.", (P, "312.555.0199"))
add("contact", "lakeside", "If you text +1 312 555 0199 they reply fast.", (P, "+1 312 555 0199"))
add("contact", "lakeside", "My therapist gave me her cell, 3125550199, for questions.", (P, "3125550199"))
add(
    "contact",
    "lakeside",
    "Email jane.doe@lakesidept.com for records, not the front desk.",
    (E, "jane.doe@lakesidept.com"),
)
add("contact", "johnson", "Billing is at billing@johnsonpt.com if you get a weird bill.", (E, "billing@johnsonpt.com"))
add(
    "contact",
    "johnson",
    "Call 1-800-555-0142 for their billing company; they were helpful.",
    (P, "1-800-555-0142"),
)
add("contact", "johnson", "Reach the owner at emily.j@gmail.com, she answers.", (E, "emily.j@gmail.com"))
add("contact", "johnson", "The scheduling line (773) 555-0123 is always busy.", (P, "(773) 555-0123"))
add(
    "contact",
    "johnson",
    "You can text the clinic at 773-555-0147 or write to frontdesk@johnsonpt.com.",
    (P, "773-555-0147"),
    (E, "frontdesk@johnsonpt.com"),
)
add("contact", "kelly", "Their fax is 630.555.0177 if your doctor needs to send a referral.", (P, "630.555.0177"))
add(
    "contact",
    "kelly",
    "I emailed scheduling@kellysportspt.com and heard back within an hour.",
    (E, "scheduling@kellysportspt.com"),
)
add("contact", "kelly", "Call 630 555 0110 ext 204 and ask for the athletic trainer.", (P, "630 555 0110 ext 204"))
add(
    "contact",
    "kelly",
    "My PT's personal email is ryan_kelly87@yahoo.com, which felt odd.",
    (E, "ryan_kelly87@yahoo.com"),
)
add("contact", "kelly", "Contact: +1-630-555-0166.", (P, "+1-630-555-0166"))
add("contact", "martin", "Message them at info@martinrehab.org for a quick answer.", (E, "info@martinrehab.org"))
add("contact", "martin", "Ring 415-555-0134 before 9 or you'll wait forever.", (P, "415-555-0134"))
add("contact", "martin", "The director's email is k.sullivan@martinrehab.org.", (E, "k.sullivan@martinrehab.org"))
add("contact", "martin", "They called me from 415.555.0188 to confirm.", (P, "415.555.0188"))
add(
    "contact",
    "martin",
    "Write to joy.adeyemi+patients@outlook.com and she sends videos of the exercises.",
    (E, "joy.adeyemi+patients@outlook.com"),
)
add("contact", "martin", "Their new number: (415)555-0102.", (P, "(415)555-0102"))
add(
    "contact",
    "lee",
    "Front desk email is frontdesk@leerehab.com and they reply same day.",
    (E, "frontdesk@leerehab.com"),
)
add("contact", "lee", "Dial 213 555 0156 and press 2 for billing.", (P, "213 555 0156"))
add(
    "contact",
    "lee",
    "Send your referral to referrals@leerehab.com or fax 213-555-0190.",
    (E, "referrals@leerehab.com"),
    (P, "213-555-0190"),
)
add("contact", "lee", "My therapist said to email her at achen.pt@gmail.com with questions.", (E, "achen.pt@gmail.com"))
add("contact", "lee", "Text 2135550171 for same-day openings.", (P, "2135550171"))
add("contact", "none", "Their office line is 512-555-0193, but they rarely answer.", (P, "512-555-0193"))
add("contact", "none", "Email riverside.rehab@hotmail.com if the phones are down.", (E, "riverside.rehab@hotmail.com"))
add(
    "contact",
    "none",
    "I wrote to office (at) riversiderehab (dot) com and never heard back.",
    (E, "office (at) riversiderehab (dot) com"),
)
add("contact", "none", "Call +1 (512) 555-0100 to book.", (P, "+1 (512) 555-0100"))
add("contact", "none", "The billing lady's direct line is 512.555.0127.", (P, "512.555.0127"))
add("contact", "none", "Appointments: appointments@riversiderehab.net.", (E, "appointments@riversiderehab.net"))
add(
    "contact",
    "none",
    "Reach out to PATIENT.CARE@RIVERSIDEREHAB.NET for complaints.",
    (E, "PATIENT.CARE@RIVERSIDEREHAB.NET"),
)
add("contact", "none", "My number is 512 555 0135 if anyone from the clinic reads this.", (P, "512 555 0135"))
add("contact", "none", "Try calling 555-0148 during lunch, that's when someone answers.", (P, "555-0148"))
add("contact", "none", "The manager (manager@riversiderehab.com) fixed my billing.", (E, "manager@riversiderehab.com"))
add(
    "contact",
    "none",
    "I called 512-555-0129 six times and emailed help@riversiderehab.com twice.",
    (P, "512-555-0129"),
    (E, "help@riversiderehab.com"),
)
add("contact", "none", "For the pool schedule email aquatics@riverside-rehab.org.", (E, "aquatics@riverside-rehab.org"))
add("contact", "none", "Phone: 512.555.0150 — ask for the pelvic floor specialist.", (P, "512.555.0150"))
add("contact", "none", "They gave out their cell (512) 555 0161 for after-hours questions.", (P, "(512) 555 0161"))
add(
    "contact",
    "none",
    "Email scheduling@riversiderehab.com to cancel, not the voicemail.",
    (E, "scheduling@riversiderehab.com"),
)
add(
    "contact",
    "none",
    "The old address contact@riverside-outpatient.us still works.",
    (E, "contact@riverside-outpatient.us"),
)
add(
    "contact",
    "none",
    "My daughter in London called them from +44 20 7946 0958 and they were lovely.",
    (P, "+44 20 7946 0958"),
)
add(
    "contact",
    "none",
    "For Spanish-speaking families the coordinator uses WhatsApp, +52 55 1234 5678.",
    (P, "+52 55 1234 5678"),
)

# --- record, claim and member numbers -----------------------------------------------------

add("record", "lakeside", "They lost my chart twice, MRN 4455321, and blamed me.", (N, "4455321"))
add("record", "lakeside", "My claim #A1234567 was denied because they coded it wrong.", (N, "A1234567"))
add("record", "johnson", "They billed member ID XJH123456789 for a visit I never had.", (N, "XJH123456789"))
add("record", "johnson", "Claim number 20231104556 is still unpaid after five months.", (N, "20231104556"))
add("record", "kelly", "My account number is 88213 and they charged it twice.", (N, "88213"))
add("record", "kelly", "Insurance ID W987654321 was on file but they still asked again.", (N, "W987654321"))
add("record", "martin", "Policy number HMO-55812-7 was rejected at check-in.", (N, "HMO-55812-7"))
add("record", "martin", "The statement for patient ID 7731902 had someone else's visits on it.", (N, "7731902"))
add("record", "lee", "Referral authorization #PT77821 expired and nobody told me.", (N, "PT77821"))
add("record", "lee", "They kept sending bills for claim 99887766.", (N, "99887766"))
add("record", "none", "My Medicare number 1EG4-TE5-MK73 was typed wrong on every claim.", (N, "1EG4-TE5-MK73"))
add("record", "none", "Subscriber ID: ZGP447120983.", (N, "ZGP447120983"))

# --- clinic names that look like person names ---------------------------------------------

add("clinic", "johnson", "Johnson Physical Therapy actually gives you a full hour.", keep=("Johnson Physical Therapy",))
add(
    "clinic",
    "johnson",
    "I switched to Johnson Physical Therapy after a bad experience elsewhere.",
    keep=("Johnson Physical Therapy",),
)
add(
    "clinic",
    "johnson",
    "Dr. Johnson at Johnson Physical Therapy is why I came back.",
    (R, "Dr. Johnson"),
    keep=("Johnson Physical Therapy",),
)
add("clinic", "johnson", "Johnson PT is clean and the parking is easy.", keep=("Johnson PT",))
add(
    "clinic",
    "johnson",
    "The staff at Johnson Physical Therapy's new location are friendly.",
    keep=("Johnson Physical Therapy",),
)
add("clinic", "kelly", "Kelly Sports PT got my daughter back to soccer.", keep=("Kelly Sports PT",))
add("clinic", "kelly", "I drive 40 minutes to Kelly Sports PT because it's worth it.", keep=("Kelly Sports PT",))
add(
    "clinic",
    "kelly",
    "Ryan at Kelly Sports PT knows runners.",
    (R, "Ryan"),
    keep=("Kelly Sports PT",),
)
add(
    "clinic",
    "kelly",
    "Before Kelly Sports PT I tried Bennett Physical Therapy and hated it.",
    keep=("Kelly Sports PT", "Bennett Physical Therapy"),
)
add("clinic", "martin", "Martin Rehab is small but they care.", keep=("Martin Rehab",))
add("clinic", "martin", "The gym at Martin Rehab has new equipment.", keep=("Martin Rehab",))
add(
    "clinic",
    "martin",
    "Frank runs Martin Rehab like a family business.",
    (R, "Frank"),
    keep=("Martin Rehab",),
)
add(
    "clinic",
    "martin",
    "I prefer Martin Rehab over Allen Orthopedics for therapy.",
    keep=("Martin Rehab", "Allen Orthopedics"),
)
add(
    "clinic",
    "lee",
    "Dr. Lee's Rehab Center is the only place that took my insurance.",
    keep=("Dr. Lee's Rehab Center",),
)
add("clinic", "lee", "Parking at Dr. Lee's Rehab Center is a nightmare.", keep=("Dr. Lee's Rehab Center",))
add("clinic", "lee", "I recommend Lee's Rehab Center to everyone at my gym.", keep=("Lee's Rehab Center",))
add(
    "clinic",
    "lakeside",
    "Lakeside Physical Therapy beats Wilson Physical Therapy by a mile.",
    keep=("Wilson Physical Therapy",),
)
add("clinic", "lakeside", "I was sent here from Murphy Sports Medicine.", keep=("Murphy Sports Medicine",))
add("clinic", "lakeside", "They share a building with Hanson Chiropractic.", keep=("Hanson Chiropractic",))
add("clinic", "none", "Riverside Outpatient Rehabilitation took over from Harper Health.", keep=("Harper Health",))
add("clinic", "none", "My sister goes to Bailey Physical Therapy and likes it.", keep=("Bailey Physical Therapy",))
add("clinic", "none", "They're part of the Morgan Associates group.", keep=("Morgan Associates",))
add("clinic", "none", "Compared to Jackson Rehabilitation this place is calm.", keep=("Jackson Rehabilitation",))
add("clinic", "none", "My surgeon is at Campbell Clinic and sends everyone here.", keep=("Campbell Clinic",))
add("clinic", "none", "It used to be called Sullivan Therapy Group.", keep=("Sullivan Therapy Group",))
add("clinic", "none", "Go to Parker Wellness Center instead.", keep=("Parker Wellness Center",))
add("clinic", "none", "I tried Grace Rehab first and it was a mill.", keep=("Grace Rehab",))
add("clinic", "none", "Mercy Health sends a lot of patients here.", keep=("Mercy Health",))

# --- nothing to screen --------------------------------------------------------------------

add("clean", "lakeside", "Will they call back? Nobody ever does.", keep=("Will",))
add("clean", "lakeside", "Grace period for cancellations is only two hours.", keep=("Grace",))
add("clean", "lakeside", "I started in May and finished in June.", keep=("May", "June"))
add("clean", "lakeside", "Best clinic in Austin for back pain.", keep=("Austin",))
add("clean", "lakeside", "Hope this helps someone choosing a PT clinic.", keep=("Hope",))
add("clean", "lakeside", "Mark my words, you will see one therapist for the whole hour here.", keep=("Mark",))
add("clean", "lakeside", "The bill was confusing but the care was excellent.")
add("clean", "lakeside", "Every visit was one-on-one with a licensed therapist.")
add("clean", "lakeside", "Parking is free and the waiting room is quiet.")
add("clean", "lakeside", "They never double-booked me, not once in twelve visits.")
add("clean", "johnson", "Will I come back? Absolutely.", keep=("Will",))
add("clean", "johnson", "Joy is not a word I associate with PT, but here it fits.", keep=("Joy",))
add("clean", "johnson", "Frank answer: the aides did most of the work.", keep=("Frank",))
add("clean", "johnson", "Bill me later was not an option, they wanted the copay up front.", keep=("Bill",))
add("clean", "johnson", "Rose from my chair without help by week four!", keep=("Rose",))
add("clean", "johnson", "Art on the walls is cheerful and the gym is bright.", keep=("Art",))
add("clean", "johnson", "Sue them? No, but I did file a complaint with my insurer.", keep=("Sue",))
add("clean", "johnson", "Jack of all trades clinic: PT, OT and speech under one roof.", keep=("Jack",))
add("clean", "kelly", "Great for athletes, less so for seniors.")
add("clean", "kelly", "The therapist spent the first visit just listening, which I appreciated.")
add("clean", "kelly", "May I suggest longer hours on Saturdays?", keep=("May",))
add("clean", "kelly", "They moved to a bigger space on Lincoln Avenue.", keep=("Lincoln",))
add("clean", "kelly", "I drove in from Dallas for the ACL program.", keep=("Dallas",))
add("clean", "kelly", "Honestly the best sports clinic in the county.")
add("clean", "martin", "Christmas week they still squeezed me in.")
add("clean", "martin", "Summer hours are shorter, so book early.", keep=("Summer",))
add("clean", "martin", "Faith in PT restored after two bad clinics.", keep=("Faith",))
add("clean", "martin", "April showers meant an empty parking lot, at least.", keep=("April",))
add("clean", "martin", "The OT taught me to use a reacher and a sock aid.")
add("clean", "martin", "Very clean, very professional, and they run on time.")
add("clean", "lee", "Chase Bank is next door, which is handy.", keep=("Chase",))
add("clean", "lee", "Thank you to the whole team for getting me walking again.")
add("clean", "lee", "Speech therapy here helped my father after his stroke.")
add("clean", "lee", "Their pelvic floor program is excellent and private.")
add("clean", "lee", "Insurance verification took two weeks, which is too long.")
add("clean", "none", "Monday and Wednesday mornings are the quietest.")
add("clean", "none", "The PT and the PTA both checked my form every set.")
add("clean", "none", "Highly recommend for anyone recovering from knee replacement.")
add("clean", "none", "Jordan 1s are not good PT shoes, learned that the hard way.", keep=("Jordan",))
add("clean", "none", "Overall a solid clinic with caring staff.")
add("clean", "none", "I had to wait 20 minutes past my 3:30 appointment.")
add("clean", "none", "They charge $150 for a no-show, which seems steep.")
add("clean", "none", "Visits were 45 minutes, all with the therapist, in 2024.")
add("clean", "none", "Each session I got 10 minutes of heat and 10 minutes of stim from an aide.")


# --- a second batch, written after the rules above and scored before any change to them ---

add("roster", "lakeside", "Honestly Whitfield and Doe are the two best PTs in the city.", (R, "Whitfield"), (R, "Doe"))
add("roster", "lakeside", "Worked with PRIYA for my carpal tunnel, highly recommend.", (R, "PRIYA"))
add("roster", "lakeside", "My OT (Priya R.) gave me a splint that actually fit.", (R, "Priya R."))
add("roster", "lakeside", "Tom B. was patient with my dad's tremor.", (R, "Tom B."))
add(
    "roster",
    "lakeside",
    "I'd see Marcus again in a heartbeat; Whitfield knows shoulders.",
    (R, "Marcus"),
    (R, "Whitfield"),
)
add("roster", "johnson", "The only one I trust with my neck is Dr. Emily.", (R, "Dr. Emily"))
add("roster", "johnson", "After Mark left on vacation I got bounced to an aide.", (R, "Mark"))
add("roster", "johnson", "castillo was great but always had two other patients", (R, "castillo"))
add("roster", "kelly", "Ask for Jack, he's the ACL guy.", (R, "Jack"))
add("roster", "kelly", "Sue's taping lasted through my whole race.", (R, "Sue"))
add("roster", "kelly", "Lauren did my hand therapy and made it fun.", (R, "Lauren"))
add("roster", "martin", "Kathy Sullivan, OT, knew exactly what to do for my wrist.", (R, "Kathy Sullivan"))
add("roster", "martin", "When Joy is in the building the whole gym runs better.", (R, "Joy"))
add("roster", "lee", "Amanda and Rose tag-teamed my knee rehab.", (R, "Amanda"), (R, "Rose"))
add("roster", "lee", "Dr Hernandez took extra time to explain my scans.", (R, "Dr Hernandez"))
add("roster", "lee", "We saw Ms. O'Connell every Tuesday for a year.", (R, "Ms. O'Connell"))
add("other", "lakeside", "The new girl at the desk, Ashley, is super sweet.", (O, "Ashley"))
add("other", "lakeside", "Trevor checked me in and was friendly.", (O, "Trevor"))
add("other", "johnson", "My PT was a guy named Sergio who was excellent.", (O, "Sergio"))
add("other", "johnson", "I hope Danielle comes back from maternity leave soon.", (O, "Danielle"))
add("other", "kelly", "The ATC Marisol worked with my son on landing mechanics.", (O, "Marisol"))
add("other", "kelly", "My wife Linda sat in on every session and learned the exercises.", (O, "Linda"))
add("other", "martin", "Samantha, the scheduler, always found me a slot.", (O, "Samantha"))
add("other", "martin", "I worked with Tamika Reynolds for three months.", (O, "Tamika Reynolds"))
add("other", "lee", "Chris was my therapist before he moved to the Oak Park office.", (O, "Chris"))
add("other", "none", "Shout out to Destiny at check-in!", (O, "Destiny"))
add("other", "none", "Jasmine and Omar at the desk are patient with older folks.", (O, "Jasmine"), (O, "Omar"))
add("other", "none", "Big thanks to my therapist, Mei-Ling, for her patience.", (O, "Mei-Ling"))
add("titled", "kelly", "Dr. Vasquez (my surgeon) was impressed by my progress.", (T, "Dr. Vasquez"))
add("titled", "martin", "Mrs. Greene at billing explained my EOB twice.", (T, "Mrs. Greene"))
add("titled", "none", "Nurse Patty took my vitals and chatted with me.", (T, "Nurse Patty"))
add("titled", "none", "Dr. O'Brien referred me after my fusion.", (T, "Dr. O'Brien"))
add("contact", "kelly", "Their text line 630-555-0175 is the fastest way to reschedule.", (P, "630-555-0175"))
add(
    "contact",
    "martin",
    "I emailed the owner at frank.martin@martinrehab.org and he fixed it.",
    (E, "frank.martin@martinrehab.org"),
)
add("contact", "lee", "Call (213)555-0139 for the pediatric team.", (P, "(213)555-0139"))
add(
    "contact",
    "none",
    "Billing questions go to billing.dept@riversiderehab.com or 512-555-0177.",
    (E, "billing.dept@riversiderehab.com"),
    (P, "512-555-0177"),
)
add("contact", "none", "My caseworker gave me 512 555-0108 as the clinic number.", (P, "512 555-0108"))
add(
    "contact",
    "none",
    "Email Kayla at kayla.r@riversiderehab.com to get on the waitlist.",
    (O, "Kayla"),
    (E, "kayla.r@riversiderehab.com"),
)
add("record", "kelly", "Reference #5518830 for my complaint, still no answer.", (N, "5518830"))
add("record", "martin", "My MRN is 00981273 if anyone there wants to look it up.", (N, "00981273"))
add("record", "lee", "They sent my bill to member number BCX 449102871 instead of my new plan.", (N, "449102871"))
add("record", "none", "Claim ID: CLM-2024-118832 was resubmitted three times.", (N, "CLM-2024-118832"))
add(
    "clinic",
    "lakeside",
    "I did my pre-op work at Nelson Physical Therapy, then came here.",
    keep=("Nelson Physical Therapy",),
)
add("clinic", "johnson", "Johnson Physical Therapy & Wellness has a pool now.", keep=("Johnson Physical Therapy",))
add(
    "clinic",
    "kelly",
    "Kelly Sports PT is in the same plaza as Turner Orthopedics.",
    keep=("Kelly Sports PT", "Turner Orthopedics"),
)
add("clinic", "martin", "Martin Rehab's new gym is great.", keep=("Martin Rehab",))
add("clinic", "none", "Walker Spine and Sports treated me years ago.", keep=("Walker Spine",))
add(
    "clinic",
    "none",
    "Cooper Rehabilitation Associates bought them last year.",
    keep=("Cooper Rehabilitation Associates",),
)
add("clean", "lakeside", "The McKenzie exercises fixed my back in two weeks.", keep=("McKenzie",))
add("clean", "lakeside", "My son had Tommy John surgery and they knew the protocol.", keep=("Tommy John",))
add("clean", "lakeside", "Their Parkinson's program is outstanding.")
add("clean", "johnson", "Graston and cupping were part of my treatment.")
add("clean", "johnson", "Bell's palsy therapy here was gentle and effective.")
add("clean", "kelly", "Summer camp kids fill the gym in July, so come early.", keep=("Summer",))
add("clean", "kelly", "Angel Park is across the street if you want to walk after.", keep=("Angel",))
add("clean", "martin", "Grant funding covers free sessions for veterans.", keep=("Grant",))
add("clean", "martin", "Rich or poor, they treat everyone the same.", keep=("Rich",))
add("clean", "lee", "Max of 12 visits per year under my plan, which they tracked carefully.", keep=("Max",))
add("clean", "lee", "Christian music was playing in the waiting room.", keep=("Christian",))
add("clean", "none", "Sierra Nevada trip was possible thanks to this clinic.", keep=("Sierra",))
add("clean", "none", "Carolina blue walls and a friendly vibe.", keep=("Carolina",))
add("clean", "none", "Google reviews were right about this place.")
add("clean", "none", "Dawn appointments are perfect before work.", keep=("Dawn",))


# --- scoring ------------------------------------------------------------------------------


Screener = Callable[[Case], Screened]


def default_screener(case: Case) -> Screened:
    return screen(case.text, roster=case.roster, clinic_names=(case.clinic_name,))


def compatible(a: Kind, b: Kind) -> bool:
    if a in NAME_KINDS and b in NAME_KINDS:
        return True
    numbers = {Kind.PHONE, Kind.RECORD_NUMBER}
    return a == b or (a in numbers and b in numbers)


def expected_spans(case: Case) -> list[tuple[Kind, int, int]]:
    """Where each expected substring is: its first occurrence, the second when listed twice."""
    spans: list[tuple[Kind, int, int]] = []
    seen: dict[str, int] = {}
    for kind, substring in case.expected:
        at = -1
        for _ in range(seen.get(substring, 0) + 1):
            at = case.text.find(substring, at + 1)
            if at < 0:
                raise ValueError(f"{substring!r} is not in {case.text!r} often enough")
        seen[substring] = seen.get(substring, 0) + 1
        spans.append((kind, at, at + len(substring)))
    return spans


@dataclass(frozen=True)
class Figures:
    cases: int
    found: int
    correct: int
    expected: dict[Kind, int]
    covered: dict[Kind, int]
    kept: int
    keep_total: int
    clean_untouched: int
    clean_total: int

    @property
    def precision(self) -> float:
        return self.correct / self.found if self.found else 1.0

    def recall(self, *kinds: Kind) -> float:
        total = sum(self.expected.get(k, 0) for k in kinds)
        return sum(self.covered.get(k, 0) for k in kinds) / total if total else 1.0

    @property
    def roster_recall(self) -> float:
        return self.recall(Kind.ROSTER_NAME)

    @property
    def contact_recall(self) -> float:
        return self.recall(Kind.PHONE, Kind.EMAIL)

    @property
    def other_recall(self) -> float:
        return self.recall(Kind.OTHER_NAME)

    @property
    def titled_recall(self) -> float:
        return self.recall(Kind.TITLED_NAME)

    @property
    def record_recall(self) -> float:
        return self.recall(Kind.RECORD_NUMBER)

    def summary(self) -> str:
        return (
            f"precision {self.precision:.3f}, roster recall {self.roster_recall:.3f}, "
            f"phone+e-mail recall {self.contact_recall:.3f}, other-name recall {self.other_recall:.3f}, "
            f"titled recall {self.titled_recall:.3f}, record recall {self.record_recall:.3f}, "
            f"kept {self.kept}/{self.keep_total}, clean untouched {self.clean_untouched}/{self.clean_total}"
        )


def misses(case: Case, screened: Screened) -> tuple[list[tuple[Kind, str]], list[tuple[Kind, str]], list[str]]:
    """What the screening missed, what it found that was not expected, what it failed to keep."""
    expected = expected_spans(case)
    missed = [
        (kind, case.text[start:end])
        for kind, start, end in expected
        if not _covered(case.text, kind, start, end, screened)
    ]
    wrong = [
        (f.kind, case.text[f.start : f.end])
        for f in screened.found
        if not any(compatible(f.kind, kind) and f.start < end and start < f.end for kind, start, end in expected)
    ]
    lost = [substring for substring in case.keep if not _kept(case.text, substring, screened)]
    return missed, wrong, lost


def _covered(text: str, kind: Kind, start: int, end: int, screened: Screened) -> bool:
    for at in range(start, end):
        if not text[at].isalnum():
            continue
        if not any(compatible(f.kind, kind) and f.start <= at < f.end for f in screened.found):
            return False
    return True


def _kept(text: str, substring: str, screened: Screened) -> bool:
    start = text.find(substring)
    end = start + len(substring)
    return start >= 0 and not any(f.start < end and start < f.end for f in screened.found)


def evaluate(screener: Screener = default_screener, cases: Sequence[Case] = CASES) -> Figures:
    found = correct = kept = keep_total = clean_untouched = clean_total = 0
    expected_count: dict[Kind, int] = {}
    covered: dict[Kind, int] = {}
    for case in cases:
        screened = screener(case)
        spans = expected_spans(case)
        for kind, start, end in spans:
            expected_count[kind] = expected_count.get(kind, 0) + 1
            if _covered(case.text, kind, start, end, screened):
                covered[kind] = covered.get(kind, 0) + 1
        for f in screened.found:
            found += 1
            if any(compatible(f.kind, kind) and f.start < end and start < f.end for kind, start, end in spans):
                correct += 1
        for substring in case.keep:
            keep_total += 1
            kept += _kept(case.text, substring, screened)
        if case.topic == "clean":
            clean_total += 1
            clean_untouched += not screened.changed
    return Figures(
        cases=len(cases),
        found=found,
        correct=correct,
        expected=expected_count,
        covered=covered,
        kept=kept,
        keep_total=keep_total,
        clean_untouched=clean_untouched,
        clean_total=clean_total,
    )
