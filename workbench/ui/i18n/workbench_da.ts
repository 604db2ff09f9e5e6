<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="da_DK">
<context>
    <name>workbench</name>
    <message>
        <source>Find personal data</source>
        <translation>Find personoplysninger</translation>
    </message>
    <message>
        <source>Pseudonymise…</source>
        <translation>Pseudonymisér…</translation>
    </message>
    <message>
        <source>Pseudonymise personal data</source>
        <translation>Pseudonymisér personoplysninger</translation>
    </message>
    <message>
        <source>CPR number</source>
        <translation>CPR-nummer</translation>
    </message>
    <message>
        <source>Phone number</source>
        <translation>Telefonnummer</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Words</source>
        <translation>Ord</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>Sammenhæng</translation>
    </message>
    <message>
        <source>Personal data: {0}</source>
        <translation>Personoplysning: {0}</translation>
    </message>
    <message>
        <source>Keep the original texts in the project (exports never show them)</source>
        <translation>Behold de oprindelige tekster i projektet (eksporter viser dem aldrig)</translation>
    </message>
    <message>
        <source>Check all</source>
        <translation>Markér alle</translation>
    </message>
    <message>
        <source>Pseudonymise checked</source>
        <translation>Pseudonymisér markerede</translation>
    </message>
    <message>
        <source>Allow checked</source>
        <translation>Tillad markerede</translation>
    </message>
    <message>
        <source>Leave the checked findings as written, also in exports</source>
        <translation>Lad de markerede fund stå som skrevet, også i eksporter</translation>
    </message>
    <message>
        <source>{0} open findings. Pseudonymising replaces the words with a placeholder such as [NAVN]; coded passages move with the text.</source>
        <translation>{0} åbne fund. Pseudonymisering erstatter ordene med en pladsholder som [NAVN]; kodede passager flytter med teksten.</translation>
    </message>
    <message>
        <source>Pseudonymised {0} findings in {1} answers</source>
        <translation>Pseudonymiserede {0} fund i {1} svar</translation>
    </message>
    <message>
        <source>Allowed {0} findings</source>
        <translation>Tillod {0} fund</translation>
    </message>
    <message>
        <source>none</source>
        <translation>ingen</translation>
    </message>
    <message>
        <source>Personal data found: {0}</source>
        <translation>Fundne personoplysninger: {0}</translation>
    </message>
    <message>
        <source>Review and pseudonymise the findings now?</source>
        <translation>Gennemse og pseudonymisér fundene nu?</translation>
    </message>
    <message>
        <source>Looking for personal data…</source>
        <translation>Leder efter personoplysninger…</translation>
    </message>
    <message>
        <source>Only a supervisor can pseudonymise; you are coding as {0}.</source>
        <translation>Kun en supervisor kan pseudonymisere; du koder som {0}.</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Fil</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Rediger</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Vis</translation>
    </message>
    <message>
        <source>&amp;Coding</source>
        <translation>&amp;Kodning</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hjælp</translation>
    </message>
    <message>
        <source>&amp;Open project…</source>
        <translation>&amp;Åbn projekt…</translation>
    </message>
    <message>
        <source>Open &amp;demo project</source>
        <translation>Åbn &amp;demoprojekt</translation>
    </message>
    <message>
        <source>Recent projects</source>
        <translation>Seneste projekter</translation>
    </message>
    <message>
        <source>&amp;Import survey…</source>
        <translation>&amp;Importér survey…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Afslut</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(ingen)</translation>
    </message>
    <message>
        <source>Clear list</source>
        <translation>Ryd listen</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>&amp;Fortryd</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>&amp;Gentag</translation>
    </message>
    <message>
        <source>Undo {0}</source>
        <translation>Fortryd {0}</translation>
    </message>
    <message>
        <source>Redo {0}</source>
        <translation>Gentag {0}</translation>
    </message>
    <message>
        <source>&amp;Filter…</source>
        <translation>&amp;Filtrér…</translation>
    </message>
    <message>
        <source>Clear filters</source>
        <translation>Ryd filtre</translation>
    </message>
    <message>
        <source>&amp;Quick pick code…</source>
        <translation>&amp;Hurtigvalg af kode…</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprog</translation>
    </message>
    <message>
        <source>Toolbar</source>
        <translation>Værktøjslinje</translation>
    </message>
    <message>
        <source>Reset layout</source>
        <translation>Nulstil layout</translation>
    </message>
    <message>
        <source>Mark coded &amp;&amp; next</source>
        <translation>Markér kodet &amp;&amp; næste</translation>
    </message>
    <message>
        <source>Mark coded &amp; next</source>
        <translation>Markér kodet &amp; næste</translation>
    </message>
    <message>
        <source>Next answer</source>
        <translation>Næste svar</translation>
    </message>
    <message>
        <source>Previous answer</source>
        <translation>Forrige svar</translation>
    </message>
    <message>
        <source>Next uncoded</source>
        <translation>Næste ukodede</translation>
    </message>
    <message>
        <source>Flag</source>
        <translation>Flag</translation>
    </message>
    <message>
        <source>Memo…</source>
        <translation>Memo…</translation>
    </message>
    <message>
        <source>No code applies</source>
        <translation>Ingen kode passer</translation>
    </message>
    <message>
        <source>Apply code</source>
        <translation>Anvend kode</translation>
    </message>
    <message>
        <source>Switch coder…</source>
        <translation>Skift koder…</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Tastaturgenveje</translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation>&amp;Om</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Åbn</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Fortryd</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>Gentag</translation>
    </message>
    <message>
        <source>Previous</source>
        <translation>Forrige</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Næste</translation>
    </message>
    <message>
        <source>Uncoded</source>
        <translation>Ukodet</translation>
    </message>
    <message>
        <source>Coded &amp; next</source>
        <translation>Kodet &amp; næste</translation>
    </message>
    <message>
        <source>No code</source>
        <translation>Ingen kode</translation>
    </message>
    <message>
        <source>Quick pick</source>
        <translation>Hurtigvalg</translation>
    </message>
    <message>
        <source>Respondent</source>
        <translation>Respondent</translation>
    </message>
    <message>
        <source>Qn.</source>
        <translation>Spm.</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>Gruppe</translation>
    </message>
    <message>
        <source>Question</source>
        <translation>Spørgsmål</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>Score</translation>
    </message>
    <message>
        <source>Band</source>
        <translation>Bånd</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>Svar</translation>
    </message>
    <message>
        <source>Codes</source>
        <translation>Koder</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>uncoded</source>
        <translation>ukodet</translation>
    </message>
    <message>
        <source>coded</source>
        <translation>kodet</translation>
    </message>
    <message>
        <source>flagged</source>
        <translation>flaget</translation>
    </message>
    <message>
        <source>Negative</source>
        <translation>Negativ</translation>
    </message>
    <message>
        <source>Neutral</source>
        <translation>Neutral</translation>
    </message>
    <message>
        <source>Positive</source>
        <translation>Positiv</translation>
    </message>
    <message>
        <source>Don't know</source>
        <translation>Ved ikke</translation>
    </message>
    <message>
        <source>Missing</source>
        <translation>Mangler</translation>
    </message>
    <message>
        <source>Search answers (Ctrl+F)</source>
        <translation>Søg i svar (Ctrl+F)</translation>
    </message>
    <message>
        <source>All questions</source>
        <translation>Alle spørgsmål</translation>
    </message>
    <message>
        <source>All bands</source>
        <translation>Alle bånd</translation>
    </message>
    <message>
        <source>All groups</source>
        <translation>Alle grupper</translation>
    </message>
    <message>
        <source>All coders</source>
        <translation>Alle kodere</translation>
    </message>
    <message>
        <source>Coded by {0}</source>
        <translation>Kodet af {0}</translation>
    </message>
    <message>
        <source>All codes</source>
        <translation>Alle koder</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>Alle statusser</translation>
    </message>
    <message>
        <source>Uncoded answers</source>
        <translation>Ukodede svar</translation>
    </message>
    <message>
        <source>Coded answers</source>
        <translation>Kodede svar</translation>
    </message>
    <message>
        <source>Flagged answers</source>
        <translation>Flagede svar</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Ryd</translation>
    </message>
    <message>
        <source>No answer selected</source>
        <translation>Intet svar valgt</translation>
    </message>
    <message>
        <source>Follow-up: {0}</source>
        <translation>Opfølgning: {0}</translation>
    </message>
    <message>
        <source>Score {0}: {1}</source>
        <translation>Score {0}: {1}</translation>
    </message>
    <message>
        <source>No score</source>
        <translation>Ingen score</translation>
    </message>
    <message>
        <source>Score {0}</source>
        <translation>Score {0}</translation>
    </message>
    <message>
        <source>No codes yet. Press a code's key, or select text first to code a passage.</source>
        <translation>Ingen koder endnu. Tryk på en kodes tast, eller markér tekst først for at kode et udsnit.</translation>
    </message>
    <message>
        <source>Coded: no code applies</source>
        <translation>Kodet: ingen kode passer</translation>
    </message>
    <message>
        <source>Remove {0}</source>
        <translation>Fjern {0}</translation>
    </message>
    <message>
        <source>whole answer</source>
        <translation>hele svaret</translation>
    </message>
    <message>
        <source>Memo: {0}</source>
        <translation>Memo: {0}</translation>
    </message>
    <message>
        <source>Flagged for discussion</source>
        <translation>Flaget til drøftelse</translation>
    </message>
    <message>
        <source>Marked as a quote</source>
        <translation>Markeret som citat</translation>
    </message>
    <message>
        <source>Mark as quote</source>
        <translation>Markér som citat</translation>
    </message>
    <message>
        <source>Remove quote mark</source>
        <translation>Fjern citatmarkering</translation>
    </message>
    <message>
        <source>Remove code</source>
        <translation>Fjern kode</translation>
    </message>
    <message>
        <source>Put the cursor in a coded passage to mark it as a quote.</source>
        <translation>Sæt markøren i et kodet udsnit for at markere det som citat.</translation>
    </message>
    <message>
        <source>mark the coded passage as a quote (or unmark it)</source>
        <translation>markér det kodede udsnit som citat (eller fjern markeringen)</translation>
    </message>
    <message>
        <source>Codebook</source>
        <translation>Kodebog</translation>
    </message>
    <message>
        <source>Search codes</source>
        <translation>Søg i koder</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Kode</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Tast</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>Antal</translation>
    </message>
    <message>
        <source>Apply to answer</source>
        <translation>Anvend på svaret</translation>
    </message>
    <message>
        <source>New code…</source>
        <translation>Ny kode…</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>Omdøb…</translation>
    </message>
    <message>
        <source>Colour…</source>
        <translation>Farve…</translation>
    </message>
    <message>
        <source>Shortcut…</source>
        <translation>Genvej…</translation>
    </message>
    <message>
        <source>Merge into…</source>
        <translation>Flet ind i…</translation>
    </message>
    <message>
        <source>Move under…</source>
        <translation>Flyt under…</translation>
    </message>
    <message>
        <source>Retire</source>
        <translation>Udgå</translation>
    </message>
    <message>
        <source>Memo on code…</source>
        <translation>Memo om koden…</translation>
    </message>
    <message>
        <source>Show retired codes</source>
        <translation>Vis udgåede koder</translation>
    </message>
    <message>
        <source>(retired)</source>
        <translation>(udgået)</translation>
    </message>
    <message>
        <source>Include: {0}</source>
        <translation>Medtag: {0}</translation>
    </message>
    <message>
        <source>Exclude: {0}</source>
        <translation>Udelad: {0}</translation>
    </message>
    <message>
        <source>Examples:</source>
        <translation>Eksempler:</translation>
    </message>
    <message>
        <source>Label of the new code:</source>
        <translation>Navn på den nye kode:</translation>
    </message>
    <message>
        <source>New label:</source>
        <translation>Nyt navn:</translation>
    </message>
    <message>
        <source>One key (1–9 or a letter), empty for none:</source>
        <translation>Én tast (1–9 eller et bogstav), tom for ingen:</translation>
    </message>
    <message>
        <source>Merge “{0}” into:</source>
        <translation>Flet “{0}” ind i:</translation>
    </message>
    <message>
        <source>Move “{0}” under:</source>
        <translation>Flyt “{0}” under:</translation>
    </message>
    <message>
        <source>(top level)</source>
        <translation>(øverste niveau)</translation>
    </message>
    <message>
        <source>Retire “{0}”? It stays on existing codings but is no longer offered.</source>
        <translation>Lad “{0}” udgå? Den bliver på eksisterende kodninger, men tilbydes ikke længere.</translation>
    </message>
    <message>
        <source>Merged {0} into {1}: {2} codings moved, {3} duplicates dropped.</source>
        <translation>Flettede {0} ind i {1}: {2} kodninger flyttet, {3} dubletter fjernet.</translation>
    </message>
    <message>
        <source>new code {0}</source>
        <translation>ny kode {0}</translation>
    </message>
    <message>
        <source>rename code {0}</source>
        <translation>omdøb kode {0}</translation>
    </message>
    <message>
        <source>colour of code {0}</source>
        <translation>farve på kode {0}</translation>
    </message>
    <message>
        <source>shortcut of code {0}</source>
        <translation>genvej til kode {0}</translation>
    </message>
    <message>
        <source>move code {0}</source>
        <translation>flyt kode {0}</translation>
    </message>
    <message>
        <source>retire code {0}</source>
        <translation>lad kode {0} udgå</translation>
    </message>
    <message>
        <source>merge {0} into {1}</source>
        <translation>flet {0} ind i {1}</translation>
    </message>
    <message>
        <source>Undid {0}</source>
        <translation>Fortrød {0}</translation>
    </message>
    <message>
        <source>Type to find a code — Enter applies</source>
        <translation>Skriv for at finde en kode — Enter anvender</translation>
    </message>
    <message>
        <source>Memo on answer {0}</source>
        <translation>Memo om svar {0}</translation>
    </message>
    <message>
        <source>Memo on code {0}</source>
        <translation>Memo om koden {0}</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Gem</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annullér</translation>
    </message>
    <message>
        <source>Who is coding?</source>
        <translation>Hvem koder?</translation>
    </message>
    <message>
        <source>Your codings are saved under this name.</source>
        <translation>Dine kodninger gemmes under dette navn.</translation>
    </message>
    <message>
        <source>Coder</source>
        <translation>Koder</translation>
    </message>
    <message>
        <source>Coder: {0}</source>
        <translation>Koder: {0}</translation>
    </message>
    <message>
        <source>{0} of {1} answers</source>
        <translation>{0} af {1} svar</translation>
    </message>
    <message>
        <source>Saved {0}</source>
        <translation>Gemt {0}</translation>
    </message>
    <message>
        <source>{0} coded ({1} %)</source>
        <translation>{0} kodet ({1} %)</translation>
    </message>
    <message>
        <source>Opening {0}…</source>
        <translation>Åbner {0}…</translation>
    </message>
    <message>
        <source>Loading answers…</source>
        <translation>Indlæser svar…</translation>
    </message>
    <message>
        <source>Creating the demo project…</source>
        <translation>Opretter demoprojektet…</translation>
    </message>
    <message>
        <source>Importing {0}…</source>
        <translation>Importerer {0}…</translation>
    </message>
    <message>
        <source>Could not open the project</source>
        <translation>Kunne ikke åbne projektet</translation>
    </message>
    <message>
        <source>Could not save</source>
        <translation>Kunne ikke gemme</translation>
    </message>
    <message>
        <source>The change was not saved: {0}</source>
        <translation>Ændringen blev ikke gemt: {0}</translation>
    </message>
    <message>
        <source>Import failed</source>
        <translation>Importen mislykkedes</translation>
    </message>
    <message>
        <source>Imported {0} respondents, {1} answers</source>
        <translation>Importerede {0} respondenter, {1} svar</translation>
    </message>
    <message>
        <source>Open a project (Ctrl+O) or the demo project to start coding.</source>
        <translation>Åbn et projekt (Ctrl+O) eller demoprojektet for at begynde at kode.</translation>
    </message>
    <message>
        <source>Open project</source>
        <translation>Åbn projekt</translation>
    </message>
    <message>
        <source>Workbench projects (*.db *.sqlite *.wb);;All files (*)</source>
        <translation>Workbench-projekter (*.db *.sqlite *.wb);;Alle filer (*)</translation>
    </message>
    <message>
        <source>Import survey</source>
        <translation>Importér survey</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Annulleret</translation>
    </message>
    <message>
        <source>Operation failed</source>
        <translation>Handlingen mislykkedes</translation>
    </message>
    <message>
        <source>About Workbench</source>
        <translation>Om Workbench</translation>
    </message>
    <message>
        <source>A keyboard-first workbench for coding open survey answers in Danish.</source>
        <translation>Et tastaturstyret værktøj til kodning af åbne surveysvar på dansk.</translation>
    </message>
    <message>
        <source>Danish NLP pipeline: {0}</source>
        <translation>Dansk NLP-pipeline: {0}</translation>
    </message>
    <message>
        <source>not loaded</source>
        <translation>ikke indlæst</translation>
    </message>
    <message>
        <source>Keyboard</source>
        <translation>Tastatur</translation>
    </message>
    <message>
        <source>Reserved key</source>
        <translation>Reserveret tast</translation>
    </message>
    <message>
        <source>code's key: toggle the code on the answer, or on the selected text</source>
        <translation>kodens tast: slå koden til/fra på svaret eller på den markerede tekst</translation>
    </message>
    <message>
        <source>mark coded and go to the next answer</source>
        <translation>markér som kodet og gå til næste svar</translation>
    </message>
    <message>
        <source>next / previous answer</source>
        <translation>næste / forrige svar</translation>
    </message>
    <message>
        <source>next uncoded answer</source>
        <translation>næste ukodede svar</translation>
    </message>
    <message>
        <source>memo on the answer</source>
        <translation>memo om svaret</translation>
    </message>
    <message>
        <source>no code applies (mark coded without codes)</source>
        <translation>ingen kode passer (markér kodet uden koder)</translation>
    </message>
    <message>
        <source>undo / redo</source>
        <translation>fortryd / gentag</translation>
    </message>
    <message>
        <source>quick pick a code</source>
        <translation>hurtigvalg af kode</translation>
    </message>
    <message>
        <source>filter and search</source>
        <translation>filtrér og søg</translation>
    </message>
    <message>
        <source>apply code {0}</source>
        <translation>anvend kode {0}</translation>
    </message>
    <message>
        <source>remove code {0}</source>
        <translation>fjern kode {0}</translation>
    </message>
    <message>
        <source>flag</source>
        <translation>flag</translation>
    </message>
    <message>
        <source>unflag</source>
        <translation>fjern flag</translation>
    </message>
    <message>
        <source>mark quote</source>
        <translation>markér citat</translation>
    </message>
    <message>
        <source>unmark quote</source>
        <translation>fjern citatmarkering</translation>
    </message>
    <message>
        <source>mark coded</source>
        <translation>markér kodet</translation>
    </message>
    <message>
        <source>no code applies</source>
        <translation>ingen kode passer</translation>
    </message>
    <message>
        <source>memo</source>
        <translation>memo</translation>
    </message>
    <message>
        <source>Suggestions</source>
        <translation>Forslag</translation>
    </message>
    <message>
        <source>Accept all confident</source>
        <translation>Acceptér alle sikre</translation>
    </message>
    <message>
        <source>Loading suggestions…</source>
        <translation>Indlæser forslag…</translation>
    </message>
    <message>
        <source>No suggestions: this answer is in a reliability round, where suggestions would bias the agreement between coders.</source>
        <translation>Ingen forslag: svaret er i en reliabilitetsrunde, hvor forslag ville påvirke enigheden mellem koderne.</translation>
    </message>
    <message>
        <source>No suggestion reaches the minimum precision ({0} %).</source>
        <translation>Intet forslag når minimumspræcisionen ({0} %).</translation>
    </message>
    <message>
        <source>No suggestions for this answer.</source>
        <translation>Ingen forslag til dette svar.</translation>
    </message>
    <message>
        <source>Accept the {0} confident suggestions (Ctrl+Shift+A)</source>
        <translation>Acceptér de {0} sikre forslag (Ctrl+Shift+A)</translation>
    </message>
    <message>
        <source>Ctrl+1…5 accepts, Alt+1…5 rejects</source>
        <translation>Ctrl+1…5 accepterer, Alt+1…5 afviser</translation>
    </message>
    <message>
        <source>Ctrl+{0} accepts, Alt+{0} rejects</source>
        <translation>Ctrl+{0} accepterer, Alt+{0} afviser</translation>
    </message>
    <message>
        <source>Accept (Ctrl+{0})</source>
        <translation>Acceptér (Ctrl+{0})</translation>
    </message>
    <message>
        <source>Reject (Alt+{0})</source>
        <translation>Afvis (Alt+{0})</translation>
    </message>
    <message>
        <source>{0} has coded {1} of {2} answers with text; the shares grow as coding is finished.</source>
        <translation>{0} har kodet {1} af {2} svar med tekst; andelene vokser, efterhånden som kodningen bliver færdig.</translation>
    </message>
    <message>
        <source>accept suggestion N</source>
        <translation>acceptér forslag N</translation>
    </message>
    <message>
        <source>reject suggestion N</source>
        <translation>afvis forslag N</translation>
    </message>
    <message>
        <source>history of the answer: who did what, when</source>
        <translation>svarets historik: hvem gjorde hvad hvornår</translation>
    </message>
    <message>
        <source>learned from your codings</source>
        <translation>lært af dine kodninger</translation>
    </message>
    <message>
        <source>resembles the codebook's examples</source>
        <translation>ligner kodebogens eksempler</translation>
    </message>
    <message>
        <source>the codebook's keywords</source>
        <translation>kodebogens nøgleord</translation>
    </message>
    <message>
        <source>codebook and learned model</source>
        <translation>kodebog og lært model</translation>
    </message>
    <message>
        <source>Source: {0}</source>
        <translation>Kilde: {0}</translation>
    </message>
    <message>
        <source>Resembles: {0}</source>
        <translation>Ligner: {0}</translation>
    </message>
    <message>
        <source>◆ Confident: passes the code's measured precision threshold</source>
        <translation>◆ Sikker: over kodens målte præcisionstærskel</translation>
    </message>
    <message>
        <source>Minimum precision of suggestions</source>
        <translation>Minimumspræcision for forslag</translation>
    </message>
    <message>
        <source>Minimum precision of suggestions…</source>
        <translation>Minimumspræcision for forslag…</translation>
    </message>
    <message>
        <source>off (show all)</source>
        <translation>fra (vis alle)</translation>
    </message>
    <message>
        <source>Minimum precision</source>
        <translation>Minimumspræcision</translation>
    </message>
    <message>
        <source>Show only suggestions whose code reaches this precision in the cross-validation on your own codings. Off shows every ranked suggestion.</source>
        <translation>Vis kun forslag, hvis kode når denne præcision i krydsvalideringen på dine egne kodninger. Fra viser alle rangordnede forslag.</translation>
    </message>
    <message>
        <source>Accept suggestion {0}</source>
        <translation>Acceptér forslag {0}</translation>
    </message>
    <message>
        <source>Reject suggestion {0}</source>
        <translation>Afvis forslag {0}</translation>
    </message>
    <message>
        <source>Accept all confident suggestions</source>
        <translation>Acceptér alle sikre forslag</translation>
    </message>
    <message>
        <source>Most uncertain first</source>
        <translation>Usikre svar først</translation>
    </message>
    <message>
        <source>Ordering by uncertainty…</source>
        <translation>Sorterer efter usikkerhed…</translation>
    </message>
    <message>
        <source>{0} uncertain answers first</source>
        <translation>{0} usikre svar først</translation>
    </message>
    <message>
        <source>Suggestions are still loading</source>
        <translation>Forslagene indlæses stadig</translation>
    </message>
    <message>
        <source>Suggestions failed: {0}</source>
        <translation>Forslag mislykkedes: {0}</translation>
    </message>
    <message>
        <source>Rejected: {0}</source>
        <translation>Afvist: {0}</translation>
    </message>
    <message>
        <source>No confident suggestions for this answer</source>
        <translation>Ingen sikre forslag til dette svar</translation>
    </message>
    <message>
        <source>Suggestions: loading…</source>
        <translation>Forslag: indlæser…</translation>
    </message>
    <message>
        <source>Suggestions: codebook</source>
        <translation>Forslag: kodebog</translation>
    </message>
    <message>
        <source>Suggestions: learned from {0} answers</source>
        <translation>Forslag: lært af {0} svar</translation>
    </message>
    <message>
        <source>learning…</source>
        <translation>lærer…</translation>
    </message>
    <message>
        <source>accept suggestion {0}</source>
        <translation>acceptér forslag {0}</translation>
    </message>
    <message>
        <source>reject suggestion {0}</source>
        <translation>afvis forslag {0}</translation>
    </message>
    <message>
        <source>accept {0} confident suggestions</source>
        <translation>acceptér {0} sikre forslag</translation>
    </message>
    <message>
        <source>Reconcile…</source>
        <translation>Afstem kodninger…</translation>
    </message>
    <message>
        <source>Agreement…</source>
        <translation>Enighed…</translation>
    </message>
    <message>
        <source>Reconcile codings</source>
        <translation>Afstem kodninger</translation>
    </message>
    <message>
        <source>agreed</source>
        <translation>enige</translation>
    </message>
    <message>
        <source>disagreed</source>
        <translation>uenige</translation>
    </message>
    <message>
        <source>decided</source>
        <translation>afgjort</translation>
    </message>
    <message>
        <source>stale</source>
        <translation>forældet</translation>
    </message>
    <message>
        <source>Decided by</source>
        <translation>Afgjort af</translation>
    </message>
    <message>
        <source>coders agreed</source>
        <translation>koderne var enige</translation>
    </message>
    <message>
        <source>union of the coders</source>
        <translation>alle koderes koder</translation>
    </message>
    <message>
        <source>edited by hand</source>
        <translation>redigeret i hånden</translation>
    </message>
    <message>
        <source>Check the codes that apply; none checked means no code applies.</source>
        <translation>Markér de koder, der passer; ingen markeret betyder, at ingen kode passer.</translation>
    </message>
    <message>
        <source>Note saved with the decision (Ctrl+M)</source>
        <translation>Note, der gemmes med afgørelsen (Ctrl+M)</translation>
    </message>
    <message>
        <source>Union (U)</source>
        <translation>Alle koders koder (U)</translation>
    </message>
    <message>
        <source>No code applies (0)</source>
        <translation>Ingen kode passer (0)</translation>
    </message>
    <message>
        <source>Edit codes… (E)</source>
        <translation>Redigér koder… (E)</translation>
    </message>
    <message>
        <source>Next open (N)</source>
        <translation>Næste åbne (N)</translation>
    </message>
    <message>
        <source>Merge agreed</source>
        <translation>Flet de enige</translation>
    </message>
    <message>
        <source>Merged {0} agreed answers automatically.</source>
        <translation>Flettede automatisk {0} svar, hvor koderne var enige.</translation>
    </message>
    <message>
        <source>Coders: {0} — {1} answers: {2} disagreed, {3} stale, {4} decided, {5} agreed</source>
        <translation>Kodere: {0} — {1} svar: {2} uenige, {3} forældede, {4} afgjort, {5} enige</translation>
    </message>
    <message>
        <source>Nothing to reconcile</source>
        <translation>Intet at afstemme</translation>
    </message>
    <message>
        <source>Not decided yet.</source>
        <translation>Ikke afgjort endnu.</translation>
    </message>
    <message>
        <source>took {0}'s coding</source>
        <translation>tog {0}s kodning</translation>
    </message>
    <message>
        <source>Decided by {0}, {1}: {2}</source>
        <translation>Afgjort af {0}, {1}: {2}</translation>
    </message>
    <message>
        <source>Note: {0}</source>
        <translation>Note: {0}</translation>
    </message>
    <message>
        <source>Final:</source>
        <translation>Endelig:</translation>
    </message>
    <message>
        <source>A coder has changed their coding since: look again.</source>
        <translation>En koder har ændret sin kodning siden: se på svaret igen.</translation>
    </message>
    <message>
        <source>There is no coder {0} here.</source>
        <translation>Der er ingen koder {0} her.</translation>
    </message>
    <message>
        <source>Final codes for {0} {1}</source>
        <translation>Endelige koder for {0} {1}</translation>
    </message>
    <message>
        <source>Another supervisor decided this answer meanwhile. It has been reloaded: look at their decision and decide again if needed.</source>
        <translation>En anden supervisor har afgjort dette svar i mellemtiden. Det er indlæst igen: se afgørelsen, og afgør igen om nødvendigt.</translation>
    </message>
    <message>
        <source>The decision was not saved: {0}</source>
        <translation>Afgørelsen blev ikke gemt: {0}</translation>
    </message>
    <message>
        <source>Saved: {0} {1}</source>
        <translation>Gemt: {0} {1}</translation>
    </message>
    <message>
        <source>No open answers left.</source>
        <translation>Ingen åbne svar tilbage.</translation>
    </message>
    <message>
        <source>Only a supervisor or an administrator can reconcile codings. {0} is not one in this project; ask an administrator to give you the supervisor role.</source>
        <translation>Kun en supervisor eller en administrator kan afstemme kodninger. {0} er ikke det i dette projekt; bed en administrator om at give dig supervisorrollen.</translation>
    </message>
    <message>
        <source>Inter-coder agreement</source>
        <translation>Enighed mellem kodere</translation>
    </message>
    <message>
        <source>Section</source>
        <translation>Afsnit</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Navn</translation>
    </message>
    <message>
        <source>Alpha</source>
        <translation>Alfa</translation>
    </message>
    <message>
        <source>Kappa</source>
        <translation>Kappa</translation>
    </message>
    <message>
        <source>Agreement %</source>
        <translation>Enighed %</translation>
    </message>
    <message>
        <source>Units</source>
        <translation>Svar</translation>
    </message>
    <message>
        <source>Overall</source>
        <translation>Samlet</translation>
    </message>
    <message>
        <source>Identical code sets</source>
        <translation>Identiske kodesæt</translation>
    </message>
    <message>
        <source>Passages (u-alpha)</source>
        <translation>Udsnit (u-alfa)</translation>
    </message>
    <message>
        <source>Coders:</source>
        <translation>Kodere:</translation>
    </message>
    <message>
        <source>Compute</source>
        <translation>Beregn</translation>
    </message>
    <message>
        <source>Choose at least two coders.</source>
        <translation>Vælg mindst to kodere.</translation>
    </message>
    <message>
        <source>Computing…</source>
        <translation>Beregner…</translation>
    </message>
    <message>
        <source>Computing agreement…</source>
        <translation>Beregner enighed…</translation>
    </message>
    <message>
        <source>{0}: {1} answers coded by all. Krippendorff's alpha {2}, agreement {3} %.</source>
        <translation>{0}: {1} svar kodet af alle. Krippendorffs alfa {2}, enighed {3} %.</translation>
    </message>
    <message>
        <source>Updated: {0} changes from others</source>
        <translation>Opdateret: {0} ændringer fra andre</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>&amp;Eksportér…</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Eksport</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Eksportér…</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Vis eksempel</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Luk</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>Åbn mappe</translation>
    </message>
    <message>
        <source>Grouping</source>
        <translation>Gruppering</translation>
    </message>
    <message>
        <source>Chart</source>
        <translation>Diagram</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>År</translation>
    </message>
    <message>
        <source>Several coders have coded ({0}), nothing is reconciled: the export shows the chosen coder's.</source>
        <translation>Flere kodere har kodet ({0}), og intet er afstemt endnu: eksporten viser den valgte koders kodning.</translation>
    </message>
    <message>
        <source>Nobody has coded yet: the export's theme columns stay empty.</source>
        <translation>Ingen har kodet endnu: eksportens temakolonner forbliver tomme.</translation>
    </message>
    <message>
        <source>Minimum cell size</source>
        <translation>Mindste cellestørrelse</translation>
    </message>
    <message>
        <source>Quotes per theme</source>
        <translation>Citater pr. tema</translation>
    </message>
    <message>
        <source>Theme frequencies</source>
        <translation>Temafrekvenser</translation>
    </message>
    <message>
        <source>Answer distributions</source>
        <translation>Svarfordelinger</translation>
    </message>
    <message>
        <source>Quotes (Word)</source>
        <translation>Citater (Word)</translation>
    </message>
    <message>
        <source>Report draft (Word)</source>
        <translation>Rapportudkast (Word)</translation>
    </message>
    <message>
        <source>REFI-QDA project (.qdpx)</source>
        <translation>REFI-QDA-projekt (.qdpx)</translation>
    </message>
    <message>
        <source>Codebook (.qdc)</source>
        <translation>Kodebog (.qdc)</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Alle</translation>
    </message>
    <message>
        <source>Answer distribution</source>
        <translation>Svarfordeling</translation>
    </message>
    <message>
        <source>Themes: {0}</source>
        <translation>Temaer: {0}</translation>
    </message>
    <message>
        <source>Default (newest survey; answers: all years)</source>
        <translation>Standard (nyeste survey; svar: alle år)</translation>
    </message>
    <message>
        <source>All years</source>
        <translation>Alle år</translation>
    </message>
    <message>
        <source>Smaller groups are hidden; a change is saved in the project</source>
        <translation>Mindre grupper skjules; en ændring gemmes i projektet</translation>
    </message>
    <message>
        <source>Allow personal data (show names, e-mails … as written)</source>
        <translation>Tillad personoplysninger (vis navne, e-mails … som skrevet)</translation>
    </message>
    <message>
        <source>Computing the preview…</source>
        <translation>Beregner eksemplet…</translation>
    </message>
    <message>
        <source>Preview of the chart</source>
        <translation>Eksempel på diagrammet</translation>
    </message>
    <message>
        <source>Preview: the first {0} rows</source>
        <translation>Eksempel: de første {0} rækker</translation>
    </message>
    <message>
        <source>No preview for this export: it is written as a whole.</source>
        <translation>Intet eksempel for denne eksport: den skrives samlet.</translation>
    </message>
    <message>
        <source>No preview: {0}</source>
        <translation>Intet eksempel: {0}</translation>
    </message>
    <message>
        <source>Exporting to {0}…</source>
        <translation>Eksporterer til {0}…</translation>
    </message>
    <message>
        <source>Exported to {0}</source>
        <translation>Eksporteret til {0}</translation>
    </message>
    <message>
        <source>Export failed: {0}</source>
        <translation>Eksporten mislykkedes: {0}</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel-projektmappe (*.xlsx)</translation>
    </message>
    <message>
        <source>CSV file (*.csv)</source>
        <translation>CSV-fil (*.csv)</translation>
    </message>
    <message>
        <source>Word document (*.docx)</source>
        <translation>Word-dokument (*.docx)</translation>
    </message>
    <message>
        <source>REFI-QDA project (*.qdpx)</source>
        <translation>REFI-QDA-projekt (*.qdpx)</translation>
    </message>
    <message>
        <source>REFI-QDA codebook (*.qdc)</source>
        <translation>REFI-QDA-kodebog (*.qdc)</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG-billede (*.png)</translation>
    </message>
    <message>
        <source>SVG image (*.svg)</source>
        <translation>SVG-billede (*.svg)</translation>
    </message>
    <message>
        <source>PDF (*.pdf)</source>
        <translation>PDF (*.pdf)</translation>
    </message>
    <message>
        <source>Charts…</source>
        <translation>Diagrammer…</translation>
    </message>
    <message>
        <source>Charts</source>
        <translation>Diagrammer</translation>
    </message>
    <message>
        <source>Drawing the charts…</source>
        <translation>Tegner diagrammerne…</translation>
    </message>
    <message>
        <source>No chart: {0}</source>
        <translation>Intet diagram: {0}</translation>
    </message>
    <message>
        <source>The project has no questions yet.</source>
        <translation>Projektet har endnu ingen spørgsmål.</translation>
    </message>
    <message>
        <source>Restore from backup…</source>
        <translation>Gendan fra sikkerhedskopi…</translation>
    </message>
    <message>
        <source>Restore from backup</source>
        <translation>Gendan fra sikkerhedskopi</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>Gendan</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Tidspunkt</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Størrelse</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Fil</translation>
    </message>
    <message>
        <source>{0} kB</source>
        <translation>{0} kB</translation>
    </message>
    <message>
        <source>(before a restore)</source>
        <translation>(før en gendannelse)</translation>
    </message>
    <message>
        <source>Choose the state to go back to; the current state is kept as a backup first.</source>
        <translation>Vælg den tilstand, du vil tilbage til; den nuværende tilstand gemmes først som sikkerhedskopi.</translation>
    </message>
    <message>
        <source>Replace the project with the backup from {0}? The current state is kept first.</source>
        <translation>Erstat projektet med sikkerhedskopien fra {0}? Den nuværende tilstand gemmes først.</translation>
    </message>
    <message>
        <source>Restoring the backup…</source>
        <translation>Gendanner sikkerhedskopien…</translation>
    </message>
    <message>
        <source>Restored {0}; the state before is kept in {1}</source>
        <translation>Gendannede {0}; tilstanden før er gemt i {1}</translation>
    </message>
    <message>
        <source>The restore failed: {0}</source>
        <translation>Gendannelsen mislykkedes: {0}</translation>
    </message>
    <message>
        <source>Automatic backup failed: {0}</source>
        <translation>Automatisk sikkerhedskopi mislykkedes: {0}</translation>
    </message>
    <message>
        <source>Only project files have backups here; a team project is backed up on its server.</source>
        <translation>Kun projektfiler har sikkerhedskopier her; et teamprojekt sikkerhedskopieres på serveren.</translation>
    </message>
    <message>
        <source>History of the answer…</source>
        <translation>Historik for svaret…</translation>
    </message>
    <message>
        <source>Project log…</source>
        <translation>Projektlog…</translation>
    </message>
    <message>
        <source>Project log</source>
        <translation>Projektlog</translation>
    </message>
    <message>
        <source>History: {0}</source>
        <translation>Historik: {0}</translation>
    </message>
    <message>
        <source>Person</source>
        <translation>Person</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Handling</translation>
    </message>
    <message>
        <source>What happened</source>
        <translation>Hvad skete der</translation>
    </message>
    <message>
        <source>Every change in the project, newest first.</source>
        <translation>Alle ændringer i projektet, nyeste først.</translation>
    </message>
    <message>
        <source>Every change to this answer, newest first.</source>
        <translation>Alle ændringer af dette svar, nyeste først.</translation>
    </message>
    <message>
        <source>Filter by person or action…</source>
        <translation>Filtrér på person eller handling…</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>Eksportér CSV…</translation>
    </message>
    <message>
        <source>Loading the log…</source>
        <translation>Henter loggen…</translation>
    </message>
    <message>
        <source>Could not read the log: {0}</source>
        <translation>Kunne ikke læse loggen: {0}</translation>
    </message>
    <message>
        <source>{0} events</source>
        <translation>{0} hændelser</translation>
    </message>
    <message>
        <source>{0} of {1} events</source>
        <translation>{0} af {1} hændelser</translation>
    </message>
    <message>
        <source>the newest {0}; `workbench log --csv` writes them all</source>
        <translation>de nyeste {0}; `workbench log --csv` skriver dem alle</translation>
    </message>
    <message>
        <source>Exported {0} events to {1}</source>
        <translation>Eksporterede {0} hændelser til {1}</translation>
    </message>
    <message>
        <source>No answer is selected.</source>
        <translation>Intet svar er valgt.</translation>
    </message>
    <message>
        <source>&amp;Choose file…</source>
        <translation>&amp;Vælg fil…</translation>
    </message>
    <message>
        <source>Survey &amp;name</source>
        <translation>Surveyens &amp;navn</translation>
    </message>
    <message>
        <source>&amp;Year</source>
        <translation>&amp;År</translation>
    </message>
    <message>
        <source>&amp;Import</source>
        <translation>&amp;Importér</translation>
    </message>
    <message>
        <source>&amp;Save definition…</source>
        <translation>&amp;Gem definitionen…</translation>
    </message>
    <message>
        <source>The file's &amp;columns and what each holds:</source>
        <translation>Filens &amp;kolonner, og hvad hver indeholder:</translation>
    </message>
    <message>
        <source>Key name</source>
        <translation>Nøgle</translation>
    </message>
    <message>
        <source>follows {0}</source>
        <translation>uddyber {0}</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>Kolonne</translation>
    </message>
    <message>
        <source>Values</source>
        <translation>Værdier</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <source>Text column</source>
        <translation>Tekstkolonne</translation>
    </message>
    <message>
        <source>Scale / type</source>
        <translation>Skala / type</translation>
    </message>
    <message>
        <source>Bands</source>
        <translation>Bånd</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Kontrol</translation>
    </message>
    <message>
        <source>Respondent id</source>
        <translation>Respondent-id</translation>
    </message>
    <message>
        <source>Survey year</source>
        <translation>Surveyår</translation>
    </message>
    <message>
        <source>Follow-up text</source>
        <translation>Uddybende tekst</translation>
    </message>
    <message>
        <source>Open text</source>
        <translation>Åben tekst</translation>
    </message>
    <message>
        <source>Background variable</source>
        <translation>Baggrundsvariabel</translation>
    </message>
    <message>
        <source>Ignore</source>
        <translation>Ignorér</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Kategori</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>Tal</translation>
    </message>
    <message>
        <source>Custom</source>
        <translation>Egen</translation>
    </message>
    <message>
        <source>Custom {0}–{1}</source>
        <translation>Egen {0}–{1}</translation>
    </message>
    <message>
        <source>Role of {0}</source>
        <translation>Rolle for {0}</translation>
    </message>
    <message>
        <source>Key of {0}</source>
        <translation>Nøgle for {0}</translation>
    </message>
    <message>
        <source>Text column of {0}</source>
        <translation>Tekstkolonne for {0}</translation>
    </message>
    <message>
        <source>Scale of {0}</source>
        <translation>Skala for {0}</translation>
    </message>
    <message>
        <source>Bands of {0}</source>
        <translation>Bånd for {0}</translation>
    </message>
    <message>
        <source>Don't-know codes of {0}</source>
        <translation>Ved ikke-koder for {0}</translation>
    </message>
    <message>
        <source>Guess: {0}</source>
        <translation>Gæt: {0}</translation>
    </message>
    <message>
        <source>from the year column</source>
        <translation>fra årskolonnen</translation>
    </message>
    <message>
        <source>Cannot read {0}: {1}</source>
        <translation>Kan ikke læse {0}: {1}</translation>
    </message>
    <message>
        <source>✖ A column needs attention (marked red).</source>
        <translation>✖ En kolonne kræver opmærksomhed (markeret med rødt).</translation>
    </message>
    <message>
        <source>Scores that mean “don't know”, outside the scale (such as 99)</source>
        <translation>Scorer, der betyder “ved ikke”, uden for skalaen (fx 99)</translation>
    </message>
    <message>
        <source>✖ {0} columns need attention (marked red).</source>
        <translation>✖ {0} kolonner kræver opmærksomhed (markeret med rødt).</translation>
    </message>
    <message>
        <source>✓ Ready: {0} respondents, {1} questions, {2} background variables.</source>
        <translation>✓ Klar: {0} respondenter, {1} spørgsmål, {2} baggrundsvariable.</translation>
    </message>
    <message>
        <source>Import failed: {0}</source>
        <translation>Importen mislykkedes: {0}</translation>
    </message>
    <message>
        <source>Save the survey definition</source>
        <translation>Gem surveydefinitionen</translation>
    </message>
    <message>
        <source>Save the survey definition as a YAML file? Next year's wave imports with it.</source>
        <translation>Gem surveydefinitionen som YAML-fil? Næste års bølge importeres med den.</translation>
    </message>
    <message>
        <source>Survey definition (*.yaml *.yml)</source>
        <translation>Surveydefinition (*.yaml *.yml)</translation>
    </message>
    <message>
        <source>Saved the survey definition to {0}</source>
        <translation>Gemte surveydefinitionen i {0}</translation>
    </message>
    <message>
        <source>Could not save {0}: {1}</source>
        <translation>Kunne ikke gemme {0}: {1}</translation>
    </message>
    <message>
        <source>Survey files (*.csv *.xlsx *.sav);;All files (*)</source>
        <translation>Surveyfiler (*.csv *.xlsx *.sav);;Alle filer (*)</translation>
    </message>
    <message>
        <source>choose the column holding the respondent id (role: id)</source>
        <translation>vælg kolonnen, der rummer respondent-id'et (rollen Respondent-id)</translation>
    </message>
    <message>
        <source>only one column can be the id ({0!r} is already)</source>
        <translation>kun én kolonne kan være id ({0!r} er det allerede)</translation>
    </message>
    <message>
        <source>only one column can be the year ({0!r} is already)</source>
        <translation>kun én kolonne kan være året ({0!r} er det allerede)</translation>
    </message>
    <message>
        <source>no question: give at least one column the role score or open text</source>
        <translation>intet spørgsmål: giv mindst én kolonne rollen Score eller Åben tekst</translation>
    </message>
    <message>
        <source>give a key (letters, digits, _)</source>
        <translation>angiv en nøgle (bogstaver, cifre, _)</translation>
    </message>
    <message>
        <source>key {0!r} may hold only letters, digits, '_', '-' and '.'</source>
        <translation>nøglen {0!r} må kun indeholde bogstaver, cifre, '_', '-' og '.'</translation>
    </message>
    <message>
        <source>key {0!r} is also used by column {1!r}</source>
        <translation>nøglen {0!r} bruges også af kolonnen {1!r}</translation>
    </message>
    <message>
        <source>its text column {0!r} does not have the role text</source>
        <translation>dens tekstkolonne {0!r} har ikke rollen Uddybende tekst</translation>
    </message>
    <message>
        <source>text column {0!r} already follows {1!r} up</source>
        <translation>tekstkolonnen {0!r} uddyber allerede {1!r}</translation>
    </message>
    <message>
        <source>give the bands (a preset or your own)</source>
        <translation>angiv båndene (en forudindstilling eller dine egne)</translation>
    </message>
    <message>
        <source>a follow-up text needs its score column (pair it there), or make it an open text</source>
        <translation>en uddybende tekst skal have sin scorekolonne (par den dér), eller gør den til en åben tekst</translation>
    </message>
    <message>
        <source>holds no respondents</source>
        <translation>indeholder ingen respondenter</translation>
    </message>
    <message>
        <source>... and {0} more problems</source>
        <translation>... og {0} problemer mere</translation>
    </message>
    <message>
        <source>changed while it was being read; import it again</source>
        <translation>er ændret, mens den blev læst; importér den igen</translation>
    </message>
    <message>
        <source>cannot be read any more: {0}</source>
        <translation>kan ikke læses længere: {0}</translation>
    </message>
    <message>
        <source>give the survey a name</source>
        <translation>giv surveyen et navn</translation>
    </message>
    <message>
        <source>the file holds no respondents</source>
        <translation>filen indeholder ingen respondenter</translation>
    </message>
    <message>
        <source>the survey definition</source>
        <translation>surveydefinitionen</translation>
    </message>
    <message>
        <source>{0!r} is not a band such as 'negativ 1-2'</source>
        <translation>{0!r} er ikke et bånd som 'negativ 1-2'</translation>
    </message>
    <message>
        <source>{0!r}: the range runs backwards</source>
        <translation>{0!r}: intervallet går baglæns</translation>
    </message>
    <message>
        <source>band {0!r} is given twice</source>
        <translation>båndet {0!r} er angivet to gange</translation>
    </message>
    <message>
        <source>give the bands, such as 'negativ 1-2, neutral 3, positiv 4-5'</source>
        <translation>angiv båndene, fx 'negativ 1-2, neutral 3, positiv 4-5'</translation>
    </message>
    <message>
        <source>{0!r} is not a whole number</source>
        <translation>{0!r} er ikke et helt tal</translation>
    </message>
    <message>
        <source>row {0}: {1}</source>
        <translation>række {0}: {1}</translation>
    </message>
    <message>
        <source>rows {0}: {1}</source>
        <translation>rækkerne {0}: {1}</translation>
    </message>
    <message>
        <source>{0} and {1} more</source>
        <translation>{0} og {1} til</translation>
    </message>
    <message>
        <source>{0} rows: {1}; {2}; …</source>
        <translation>{0} rækker: {1}; {2}; …</translation>
    </message>
    <message>
        <source>{0}, row {1}</source>
        <translation>{0}, række {1}</translation>
    </message>
    <message>
        <source>{0}, column {1}</source>
        <translation>{0}, kolonne {1}</translation>
    </message>
    <message>
        <source>score {0!r} is not {1}</source>
        <translation>scoren {0!r} er ikke {1}</translation>
    </message>
    <message>
        <source>{0} or blank</source>
        <translation>{0} eller tom</translation>
    </message>
    <message>
        <source>a score</source>
        <translation>en score</translation>
    </message>
    <message>
        <source>{0} or {1}</source>
        <translation>{0} eller {1}</translation>
    </message>
    <message>
        <source>{0} {1!r} is not a number</source>
        <translation>{0} {1!r} er ikke et tal</translation>
    </message>
    <message>
        <source>{0} {1!r} is outside {2:g}–{3:g}</source>
        <translation>{0} {1!r} ligger uden for {2:g}–{3:g}</translation>
    </message>
    <message>
        <source>{0} {1!r} is not {2}</source>
        <translation>{0} {1!r} er ikke {2}</translation>
    </message>
    <message>
        <source>unknown {0} {1!r} (known: {2})</source>
        <translation>ukendt {0} {1!r} (kendte: {2})</translation>
    </message>
    <message>
        <source>required column is missing (the {0} of {1})</source>
        <translation>en påkrævet kolonne mangler ({0} i {1})</translation>
    </message>
    <message>
        <source>respondent id</source>
        <translation>respondent-id</translation>
    </message>
    <message>
        <source>survey year</source>
        <translation>surveyår</translation>
    </message>
    <message>
        <source>score of question {0}</source>
        <translation>score for spørgsmål {0}</translation>
    </message>
    <message>
        <source>text of question {0}</source>
        <translation>tekst for spørgsmål {0}</translation>
    </message>
    <message>
        <source>variable {0}</source>
        <translation>variablen {0}</translation>
    </message>
    <message>
        <source>column of variable {0} (parts) is missing</source>
        <translation>en kolonne til variablen {0} (parts) mangler</translation>
    </message>
    <message>
        <source>column appears more than once in the header</source>
        <translation>kolonnen står mere end én gang i overskriftsrækken</translation>
    </message>
    <message>
        <source>has {0} fields but the header has {1}</source>
        <translation>har {0} felter, men overskriftsrækken har {1}</translation>
    </message>
    <message>
        <source>respondent id is empty</source>
        <translation>respondent-id er tomt</translation>
    </message>
    <message>
        <source>year {0!r} is not a whole number</source>
        <translation>året {0!r} er ikke et helt tal</translation>
    </message>
    <message>
        <source>default year {0!r} is not a whole number</source>
        <translation>standardåret {0!r} er ikke et helt tal</translation>
    </message>
    <message>
        <source>no survey year (give a year column, year: in the definition or --year)</source>
        <translation>intet surveyår (angiv en årskolonne, year: i definitionen eller --year)</translation>
    </message>
    <message>
        <source>year {0} is not plausible</source>
        <translation>året {0} er ikke plausibelt</translation>
    </message>
    <message>
        <source>{0} is not a number in the expected range</source>
        <translation>{0} er ikke et tal i det forventede interval</translation>
    </message>
    <message>
        <source>{0} is empty</source>
        <translation>{0} er tom</translation>
    </message>
    <message>
        <source>duplicate respondent id {0!r} (also row {1})</source>
        <translation>respondent-id'et {0!r} står to gange (også i række {1})</translation>
    </message>
    <message>
        <source>a survey definition must be a YAML mapping (survey:, questions:, …)</source>
        <translation>en surveydefinition skal være en YAML-mapping (survey:, questions:, …)</translation>
    </message>
    <message>
        <source>unknown entry {0!r} (known: {1})</source>
        <translation>ukendt felt {0!r} (kendte: {1})</translation>
    </message>
    <message>
        <source>the survey needs a name (survey: …)</source>
        <translation>surveyen skal have et navn (survey: …)</translation>
    </message>
    <message>
        <source>name the column holding the respondent id (respondent_id: …)</source>
        <translation>angiv kolonnen, der rummer respondent-id'et (respondent_id: …)</translation>
    </message>
    <message>
        <source>year {0!r} is not a plausible year</source>
        <translation>året {0!r} er ikke et plausibelt år</translation>
    </message>
    <message>
        <source>must be a mapping (group_by:, controls:)</source>
        <translation>skal være en mapping (group_by:, controls:)</translation>
    </message>
    <message>
        <source>names no variable: {0!r}</source>
        <translation>angiver ingen variabel: {0!r}</translation>
    </message>
    <message>
        <source>column {0!r} is already read by {1}</source>
        <translation>kolonnen {0!r} læses allerede af {1}</translation>
    </message>
    <message>
        <source>each question must be a mapping ({0})</source>
        <translation>hvert spørgsmål skal være en mapping ({0})</translation>
    </message>
    <message>
        <source>each variable must be a mapping ({0})</source>
        <translation>hver variabel skal være en mapping ({0})</translation>
    </message>
    <message>
        <source>the question needs a key (key: …)</source>
        <translation>spørgsmålet skal have en nøgle (key: …)</translation>
    </message>
    <message>
        <source>the variable needs a key (key: …)</source>
        <translation>variablen skal have en nøgle (key: …)</translation>
    </message>
    <message>
        <source>key {0!r} is used by another question</source>
        <translation>nøglen {0!r} bruges af et andet spørgsmål</translation>
    </message>
    <message>
        <source>key {0!r} is used by another variable</source>
        <translation>nøglen {0!r} bruges af en anden variabel</translation>
    </message>
    <message>
        <source>key {0!r} is reserved; choose another</source>
        <translation>nøglen {0!r} er reserveret; vælg en anden</translation>
    </message>
    <message>
        <source>list at least one question (questions: - key: … text: …)</source>
        <translation>angiv mindst ét spørgsmål (questions: - key: … text: …)</translation>
    </message>
    <message>
        <source>name the score column (score:), the text column (text:) or both</source>
        <translation>angiv scorekolonnen (score:), tekstkolonnen (text:) eller begge</translation>
    </message>
    <message>
        <source>must map bands to the follow-up wording</source>
        <translation>skal knytte bånd til den uddybende formulering</translation>
    </message>
    <message>
        <source>an open question without a score column has no {0}</source>
        <translation>et åbent spørgsmål uden scorekolonne har ingen {0}</translation>
    </message>
    <message>
        <source>scale {0!r} is not an integer range such as 1-5 or 0-10</source>
        <translation>skalaen {0!r} er ikke et heltalsinterval som 1-5 eller 0-10</translation>
    </message>
    <message>
        <source>{0} lies inside the scale {1}</source>
        <translation>{0} ligger inden for skalaen {1}</translation>
    </message>
    <message>
        <source>must map scores to labels ({1: Meget utilfreds, 5: Meget tilfreds})</source>
        <translation>skal knytte scorer til etiketter ({1: Meget utilfreds, 5: Meget tilfreds})</translation>
    </message>
    <message>
        <source>{0!r} is not a score of the scale</source>
        <translation>{0!r} er ikke en score på skalaen</translation>
    </message>
    <message>
        <source>a scored question needs bands ({negativ: 1-2, neutral: 3, positiv: 4-5})</source>
        <translation>et spørgsmål med score skal have bånd ({negativ: 1-2, neutral: 3, positiv: 4-5})</translation>
    </message>
    <message>
        <source>must map band names to score ranges</source>
        <translation>skal knytte båndnavne til scoreintervaller</translation>
    </message>
    <message>
        <source>{0} is for dont_know scores, not a band of the scale</source>
        <translation>{0} er til dont_know-scorer, ikke et bånd på skalaen</translation>
    </message>
    <message>
        <source>{0!r} is not a score range such as 1-2</source>
        <translation>{0!r} er ikke et scoreinterval som 1-2</translation>
    </message>
    <message>
        <source>score {0} lies outside the scale {1}</source>
        <translation>scoren {0} ligger uden for skalaen {1}</translation>
    </message>
    <message>
        <source>score {0} is in both {1} and {2}</source>
        <translation>scoren {0} er i både {1} og {2}</translation>
    </message>
    <message>
        <source>scores in no band: {0}</source>
        <translation>scorer uden bånd: {0}</translation>
    </message>
    <message>
        <source>must be a list of variables (- key: … column: …)</source>
        <translation>skal være en liste af variable (- key: … column: …)</translation>
    </message>
    <message>
        <source>type {0!r} is not category or number</source>
        <translation>typen {0!r} er hverken category eller number</translation>
    </message>
    <message>
        <source>a derived variable (from:) reads no column of its own</source>
        <translation>en afledt variabel (from:) læser ingen kolonne selv</translation>
    </message>
    <message>
        <source>a derived variable needs map: {value or label: group}</source>
        <translation>en afledt variabel skal have map: {værdi eller etiket: gruppe}</translation>
    </message>
    <message>
        <source>map: belongs to a derived variable (give from:)</source>
        <translation>map: hører til en afledt variabel (angiv from:)</translation>
    </message>
    <message>
        <source>must map columns to weights ({Years: 12, Months: 1})</source>
        <translation>skal knytte kolonner til vægte ({Years: 12, Months: 1})</translation>
    </message>
    <message>
        <source>weight {0!r} of {1!r} is not a number</source>
        <translation>vægten {0!r} for {1!r} er ikke et tal</translation>
    </message>
    <message>
        <source>name the column the variable is read from (column: …)</source>
        <translation>angiv kolonnen, variablen læses fra (column: …)</translation>
    </message>
    <message>
        <source>parts_section needs part_weights ({years: 12, months: 1})</source>
        <translation>parts_section kræver part_weights ({years: 12, months: 1})</translation>
    </message>
    <message>
        <source>weights must be numbers</source>
        <translation>vægtene skal være tal</translation>
    </message>
    <message>
        <source>must map codes to labels ({1: Kvinde, 2: Mand})</source>
        <translation>skal knytte koder til etiketter ({1: Kvinde, 2: Mand})</translation>
    </message>
    <message>
        <source>bins need type: number</source>
        <translation>bins kræver type: number</translation>
    </message>
    <message>
        <source>{0!r} is not an increasing list of numbers</source>
        <translation>{0!r} er ikke en stigende liste af tal</translation>
    </message>
    <message>
        <source>give one label per bin (and one for below the first)</source>
        <translation>angiv én etiket pr. bin (og én for under den første)</translation>
    </message>
    <message>
        <source>{0!r} is not a range such as 10-110</source>
        <translation>{0!r} er ikke et interval som 10-110</translation>
    </message>
    <message>
        <source>derived variables form a cycle</source>
        <translation>afledte variable danner en cyklus</translation>
    </message>
    <message>
        <source>Ctrl+Enter or Ctrl+S saves · Esc cancels</source>
        <translation>Ctrl+Enter eller Ctrl+S gemmer · Esc annullerer</translation>
    </message>
    <message>
        <source>Unsaved memo</source>
        <translation>Memoet er ikke gemt</translation>
    </message>
    <message>
        <source>The memo has changes that are not saved. Save them?</source>
        <translation>Memoet har ændringer, der ikke er gemt. Gem dem?</translation>
    </message>
    <message>
        <source>Compact</source>
        <translation>Kompakt</translation>
    </message>
    <message>
        <source>Compact view: every code and its key in a few lines</source>
        <translation>Kompakt visning: alle koder og deres taster på få linjer</translation>
    </message>
    <message>
        <source>Layout follows the window size</source>
        <translation>Layoutet følger vinduets størrelse</translation>
    </message>
    <message>
        <source> — answer {0} {1}</source>
        <translation> — svar {0} {1}</translation>
    </message>
    <message>
        <source>(not in the current filter)</source>
        <translation>(ikke i det aktuelle filter)</translation>
    </message>
    <message>
        <source>Redid {0}</source>
        <translation>Gentog {0}</translation>
    </message>
    <message>
        <source>End of the list: this is the last answer in the filter.</source>
        <translation>Slut på listen: dette er det sidste svar i filteret.</translation>
    </message>
    <message>
        <source>Start of the list: this is the first answer in the filter.</source>
        <translation>Start på listen: dette er det første svar i filteret.</translation>
    </message>
    <message>
        <source>Every answer in the filter is coded.</source>
        <translation>Alle svar i filteret er kodet.</translation>
    </message>
    <message>
        <source>Answer {0} of {1}</source>
        <translation>Svar {0} af {1}</translation>
    </message>
    <message>
        <source>{0} of {1} coded ({2} %)</source>
        <translation>{0} af {1} kodet ({2} %)</translation>
    </message>
    <message>
        <source>Back where you stopped.</source>
        <translation>Tilbage hvor du slap.</translation>
    </message>
    <message>
        <source>Search codes — Enter ticks the code found, Ctrl+Enter confirms</source>
        <translation>Søg i koderne — Enter sætter flueben ved koden, Ctrl+Enter bekræfter</translation>
    </message>
    <message>
        <source>{0} codes ticked</source>
        <translation>{0} koder valgt</translation>
    </message>
    <message>
        <source>None ticked: no code applies</source>
        <translation>Ingen valgt: ingen kode passer</translation>
    </message>
    <message>
        <source>Show all answers</source>
        <translation>Vis alle svar</translation>
    </message>
    <message>
        <source>Show answers needing a verdict</source>
        <translation>Vis svar, der mangler en afgørelse</translation>
    </message>
    <message>
        <source>Show decisions made (by hand)</source>
        <translation>Vis trufne afgørelser (manuelle)</translation>
    </message>
    <message>
        <source>Show agreed answers</source>
        <translation>Vis svar med enighed</translation>
    </message>
    <message>
        <source>the other coder did not give this code</source>
        <translation>den anden koder gav ikke denne kode</translation>
    </message>
    <message>
        <source>agreed, merged</source>
        <translation>enige, flettet</translation>
    </message>
    <message>
        <source>{0} event</source>
        <translation>{0} hændelse</translation>
    </message>
    <message>
        <source>{0} of {1} event</source>
        <translation>{0} af {1} hændelse</translation>
    </message>
    <message>
        <source>Updated: {0} change from others</source>
        <translation>Opdateret: {0} ændring fra andre</translation>
    </message>
    <message>
        <source>In the file: {0}</source>
        <translation>I filen: {0}</translation>
    </message>
    <message>
        <source>toggle that code on the answer, or on the selected text (span); removing the last code leaves the answer uncoded</source>
        <translation>sæt koden på svaret eller på den markerede tekst (udsnit) – eller fjern den; fjernes den sidste kode, er svaret ukodet igen</translation>
    </message>
    <message>
        <source>mark coded, go to the next answer</source>
        <translation>markér som kodet, gå til næste svar</translation>
    </message>
    <message>
        <source>next / previous answer (the status bar says when the filtered list ends)</source>
        <translation>næste / forrige svar (statuslinjen siger, når den filtrerede liste slutter)</translation>
    </message>
    <message>
        <source>flag the answer</source>
        <translation>sæt flag ved svaret</translation>
    </message>
    <message>
        <source>memo on the answer: Ctrl+Enter or Ctrl+S saves, Tab moves on, Esc asks before discarding</source>
        <translation>memo om svaret: Ctrl+Enter eller Ctrl+S gemmer, Tab går videre, Esc spørger før noget kasseres</translation>
    </message>
    <message>
        <source>quick-pick a code by typing</source>
        <translation>hurtigvalg af en kode ved at skrive</translation>
    </message>
    <message>
        <source>star the coded passage under the selection or cursor as a quote for the report (★ on its chip; right-click a chip for all of a code's passages)</source>
        <translation>markér det kodede udsnit under markeringen eller markøren som citat til rapporten (★ på dens mærke; højreklik et mærke for alle kodens udsnit)</translation>
    </message>
    <message>
        <source>accept / reject suggestion N</source>
        <translation>acceptér / afvis forslag N</translation>
    </message>
    <message>
        <source>the answer's history: who coded, decided or changed what, when (Fil → Projektlog for the whole project)</source>
        <translation>svarets historik: hvem kodede, afgjorde eller ændrede hvad og hvornår (Fil → Projektlog for hele projektet)</translation>
    </message>
    <message>
        <source>undo / redo of every coding action, quote star and codebook edit: goes to the answer and says what was undone</source>
        <translation>fortryd / gentag af alle kodninger, citatmarkeringer og kodebogsændringer: går til svaret og siger, hvad der blev fortrudt</translation>
    </message>
    <message>
        <source>search / clear filters</source>
        <translation>søg / ryd filtre</translation>
    </message>
    <message>
        <source>export</source>
        <translation>eksportér</translation>
    </message>
    <message>
        <source>reconcile codings (supervisors): 1–9 take a coder's codes, U union, 0 none, E edit, N next</source>
        <translation>afstem kodninger (supervisorer): 1–9 tag en koders koder, U foreningsmængde, 0 ingen, E redigér, N næste</translation>
    </message>
    <message>
        <source>all shortcuts</source>
        <translation>alle genveje</translation>
    </message>
    <message>
        <source>a code's key (1–9, letters)</source>
        <translation>en kodes tast (1–9, bogstaver)</translation>
    </message>
    <message>
        <source>Ctrl+K or /</source>
        <translation>Ctrl+K eller /</translation>
    </message>
    <message>
        <source>Ctrl+1…5 / Alt+1…5 (or Ctrl+Shift+1…5)</source>
        <translation>Ctrl+1…5 / Alt+1…5 (eller Ctrl+Shift+1…5)</translation>
    </message>
    <message>
        <source>Decisions made earlier are listed after the answers needing a verdict; “Show decisions made” lists only them.</source>
        <translation>Tidligere afgørelser står efter de svar, der mangler en afgørelse; “Vis trufne afgørelser” viser kun dem.</translation>
    </message>
</context>
</TS>
